package dev.meshdns.vip.store;

import dev.meshdns.vip.VipStore.Allocation;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open path of {@link FileVipStore}: reads snapshot, journal and high-water record, refuses
 * files that lost durable revisions ({@link StoreContinuity}) unless the loss is accepted, cuts a
 * torn journal tail saying what is known of it, and replays what is there. Stateless.
 */
final class StoreRestore {

    /** Logged as the store: operators look for one logger. */
    private static final Logger log = LoggerFactory.getLogger(FileVipStore.class);

    /**
     * The restored rows; the journal as read (its torn tail already cut); the oldest format
     * version among the files; whether a loss was accepted (then the rows were restamped past
     * every revision seen).
     */
    record Restored(RowTable table, FrameFile.Contents journal, int oldestVersion, boolean lossAccepted) {
    }

    private StoreRestore() {
    }

    static Restored restore(Path dir, boolean acceptLoss) throws IOException {
        Path snapshotPath = dir.resolve(FileVipStore.SNAPSHOT);
        Path journalPath = dir.resolve(FileVipStore.JOURNAL);
        Path highWaterPath = dir.resolve(FileVipStore.HIGH_WATER);
        Files.deleteIfExists(FrameFile.temp(highWaterPath));
        FrameFile.Contents snapshot = readSnapshot(snapshotPath);
        FrameFile.Contents journal = readJournal(journalPath);
        List<String> losses = new ArrayList<>();
        long recorded = -1;
        try {
            recorded = HighWater.read(highWaterPath);
        } catch (StoreLossException e) {
            losses.add(e.getMessage());
        }
        losses.addAll(StoreContinuity.problems(snapshotPath, snapshot, journalPath, journal, highWaterPath, recorded));
        if (!losses.isEmpty() && !acceptLoss) {
            throw new StoreLossException(String.join("; ", losses));
        }
        for (String loss : losses) {
            log.warn("{}: accepting the loss of VIP allocations (accept-store-loss): {}", dir, loss);
        }
        RowTable table = new RowTable();
        int snapshotVersion = replay(table, snapshot, snapshotPath);
        if (journal == null) {
            FrameFile.writeAtomically(journalPath, FileVipStore.JOURNAL_MAGIC, table.revision(), List.of(), List.of());
            journal = FrameFile.read(journalPath, FileVipStore.JOURNAL_MAGIC);
        }
        cutTornTail(journalPath, journal, recorded, !losses.isEmpty());
        replay(table, journal, journalPath);
        table.requireOneHolderPerAddress(dir.toString());
        if (!losses.isEmpty()) {
            // A revision only grows: what is left starts past every revision seen, lost ones included.
            table = table.restamped(Math.max(recorded, table.revision()) + 1);
        }
        return new Restored(table, journal, Math.min(journal.version(), snapshotVersion), !losses.isEmpty());
    }

    /**
     * Applies every record in order, each setting its rows' state (last write wins per row); the
     * rules were decided when the records were written. Version 1 records are held claims; a
     * version 1 service with two addresses of one family was always refused, so it still is.
     */
    static int replay(RowTable table, FrameFile.Contents contents, Path path) throws IOException {
        if (contents == null) {
            return Frames.VERSION;
        }
        table.apply(List.of(), Math.max(0, contents.headerRevision())); // an empty file still has its revision
        for (Frames.Record record : contents.records()) {
            if (record.type() == Frames.RETIRED) {
                table.retire(record.rows(), record.revision());
                continue;
            }
            if (contents.version() == Frames.LEGACY_VERSION) {
                for (Allocation row : record.rows()) {
                    Allocation earlier = table.row(RowTable.Key.of(row));
                    if (earlier != null && !earlier.address().equals(row.address())) {
                        throw new IOException(path + " holds two addresses for " + row.zone() + "/" + row.service()
                                + ": " + earlier.address().getHostAddress() + " and " + row.address().getHostAddress());
                    }
                }
            }
            table.apply(record.rows(), contents.version() == Frames.LEGACY_VERSION
                    ? table.revision() + 1 : record.revision());
        }
        return contents.version();
    }

    private static FrameFile.Contents readSnapshot(Path snapshot) throws IOException {
        Files.deleteIfExists(FrameFile.temp(snapshot));
        if (!Files.exists(snapshot)) {
            return null;
        }
        FrameFile.Contents contents = FrameFile.read(snapshot, FileVipStore.SNAPSHOT_MAGIC);
        if (contents.tornTail()) {
            // A snapshot only ever appears whole (atomic rename), so any bad byte is damage.
            throw new IOException(snapshot + ": corrupt record at offset " + contents.intactEnd()
                    + "; restore the data dir from a backup");
        }
        return contents;
    }

    /** The journal's contents, or null when it is missing. */
    private static FrameFile.Contents readJournal(Path journal) throws IOException {
        Files.deleteIfExists(FrameFile.temp(journal));
        return Files.exists(journal) ? FrameFile.read(journal, FileVipStore.JOURNAL_MAGIC) : null;
    }

    /**
     * Cuts bytes after the last whole record, saying what is known of them: the high-water record
     * is written only after a journal write's fsync returned and before the claims are answered, so
     * when it names the last whole record, the bytes after it are a write cut short by a crash,
     * never answered. (When it names a later one, the open was refused or the loss accepted.)
     */
    private static void cutTornTail(Path path, FrameFile.Contents contents, long highWater, boolean lossAccepted)
            throws IOException {
        if (!contents.tornTail()) {
            return;
        }
        long end = contents.end();
        String what;
        if (lossAccepted && highWater > end) {
            what = "damage after revision " + end + ", accepted above";
        } else if (highWater >= 0 && highWater == end) {
            what = "an incomplete record after revision " + end + ", the last write that completed ("
                    + path.resolveSibling(FileVipStore.HIGH_WATER).getFileName() + "): a write cut short by a crash, whose"
                    + " changes were never answered";
        } else {
            what = "an incomplete record after revision " + end + ": a write cut short by a crash (never answered)"
                    + " or damage to the file (then answered changes are lost); "
                    + (highWater < 0 ? "there is no high-water record to tell (a data dir of an earlier version)"
                            : "the high-water record (revision " + highWater + ") is older than the journal, as"
                                    + " after a power failure, and cannot tell");
        }
        log.warn("{}: cutting {} bytes at offset {}: {}", path, contents.size() - contents.intactEnd(),
                contents.intactEnd(), what);
        try (FileChannel journal = FileChannel.open(path, StandardOpenOption.WRITE)) {
            journal.truncate(contents.intactEnd());
            journal.force(true);
        }
    }
}
