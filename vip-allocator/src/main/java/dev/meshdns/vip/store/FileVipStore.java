package dev.meshdns.vip.store;

import dev.meshdns.vip.VipStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link VipStore}: an append-only, checksummed journal ({@code vips.journal}) in a
 * data dir with one record per {@link #claim} or {@link #release} call, fsynced before the call
 * returns and compacted into {@code vips.snapshot} once it holds more than a configured number of
 * rows, so it survives {@code kill -9} at any instant without losing an acknowledged change. A
 * single writer, kept alone in its data dir by a {@code LOCK} file: it decides the claim rules
 * itself, its revision counts its own records, and it never calls {@link #onRemoteChange}
 * listeners. A high-water record ({@code vips.highwater}) lets the open detect files that lost
 * durable revisions ({@link StoreRestore}). Data dirs of format versions 1 and 2 are read and
 * rewritten in the current format on open. A failed write (a full disk) fails that call and the
 * calls after it until the journal is back at its last durable frame ({@link #recover}), so writes
 * resume by themselves once there is space again. Not thread-safe: confine it to one thread (the
 * {@code meshdns-vip-store} executor).
 */
public final class FileVipStore implements VipStore {

    /**
     * Journal rows after which a snapshot is written, unless configured otherwise, once the journal
     * also holds more rows than the last snapshot did, so a snapshot rewrites no more rows than the
     * journal took since the one before. Without that second bound, a million claims made in 87
     * writes (measured once, in a build that claimed a first sync as it arrived) wrote a snapshot of
     * every row after each write: some 43 million rows, 22 s on the store thread.
     */
    public static final int DEFAULT_SNAPSHOT_AFTER_RECORDS = 10_000;

    static final String JOURNAL = "vips.journal";
    static final String SNAPSHOT = "vips.snapshot";
    static final String LOCK = "LOCK";
    static final String HIGH_WATER = "vips.highwater";
    static final String JOURNAL_MAGIC = "MDVJ";
    static final String SNAPSHOT_MAGIC = "MDVS";
    private static final Logger log = LoggerFactory.getLogger(FileVipStore.class);
    /**
     * Data dirs locked by this JVM. A second open in the same JVM must fail before it opens the
     * lock file: with POSIX locks, closing any descriptor of a file drops the process's lock on it.
     */
    private static final Set<Path> LOCKED_DIRS = ConcurrentHashMap.newKeySet();

    private final Path dataDir;
    private final int snapshotAfterRecords;
    private final FileChannel lockChannel;
    private final RowTable table;
    private final HighWater highWater;
    private FileChannel journal;
    private long journalRecords;
    /** Where the last durable frame of the journal ends; after a failed write the journal is cut back to it. */
    private long durableEnd;
    /** Why the last write failed, until {@link #recover} succeeds; null while writes work. */
    private IOException failure;
    private boolean snapshotFailing;
    /** The rows of the last snapshot (at open: those restored less the journal's, about as many). */
    private long snapshotRows;
    private boolean closed;

    private FileVipStore(Path dataDir, int snapshotAfterRecords, FileChannel lockChannel, RowTable table,
            FileChannel journal, long journalRecords, HighWater highWater) throws IOException {
        this.highWater = highWater;
        this.dataDir = dataDir;
        this.snapshotAfterRecords = snapshotAfterRecords;
        this.lockChannel = lockChannel;
        this.table = table;
        this.journal = journal;
        this.journalRecords = journalRecords;
        this.durableEnd = journal.position();
    }

    /** Opens (creating if needed) the store in {@code dataDir}, snapshotting after 10 000 rows or more. */
    public static FileVipStore open(Path dataDir) throws IOException {
        return open(dataDir, DEFAULT_SNAPSHOT_AFTER_RECORDS);
    }

    /** Opens the store in {@code dataDir}, refusing (a {@link StoreLossException}) files that lost revisions. */
    public static FileVipStore open(Path dataDir, int snapshotAfterRecords) throws IOException {
        return open(dataDir, snapshotAfterRecords, false);
    }

    /**
     * Opens (creating if needed) the store in {@code dataDir}, restoring snapshot and journal and
     * cutting away a torn journal tail. Fails if another process holds the data dir, or if the
     * restored rows contradict themselves (two rows holding one address). When the files show
     * that durable revisions are missing ({@link StoreContinuity}) it fails with a
     * {@link StoreLossException}, unless {@code acceptLoss}: then each loss is logged at WARN, what
     * is left is restored, and rewritten as a snapshot of a revision past every one seen, so the
     * data dir opens cleanly afterwards.
     */
    public static FileVipStore open(Path dataDir, int snapshotAfterRecords, boolean acceptLoss) throws IOException {
        Objects.requireNonNull(dataDir, "dataDir");
        if (snapshotAfterRecords < 1) {
            throw new IllegalArgumentException("snapshotAfterRecords must be at least 1, got " + snapshotAfterRecords);
        }
        Path dir = createDirectory(dataDir.toAbsolutePath()).toRealPath();
        FileChannel lockChannel = lock(dir);
        FileChannel journal = null;
        HighWater highWater = null;
        try {
            StoreRestore.Restored restored = StoreRestore.restore(dir, acceptLoss);
            RowTable table = restored.table();
            FrameFile.Contents contents = restored.journal();
            journal = FileChannel.open(dir.resolve(JOURNAL), StandardOpenOption.WRITE);
            journal.position(contents.intactEnd());
            highWater = HighWater.create(dir.resolve(HIGH_WATER), table.revision());
            long journalRows = contents.records().stream().mapToLong(r -> r.rows().size()).sum();
            FileVipStore store = new FileVipStore(dir, snapshotAfterRecords, lockChannel, table, journal, journalRows,
                    highWater);
            store.snapshotRows = Math.max(0, table.size() - journalRows);
            if (restored.oldestVersion() < Frames.VERSION || restored.lossAccepted()) {
                try {
                    store.migrate(restored.oldestVersion() < Frames.VERSION ? restored.oldestVersion() : -1);
                } catch (IOException | RuntimeException e) {
                    store.close(); // the journal may have been swapped: close what the store holds now
                    throw e;
                }
            }
            return store;
        } catch (IOException | RuntimeException e) {
            if (journal != null) {
                closeQuietly(journal);
            }
            if (highWater != null) {
                try {
                    highWater.close();
                } catch (IOException closeFailure) {
                    e.addSuppressed(closeFailure);
                }
            }
            try {
                unlock(dir, lockChannel);
            } catch (IOException unlockFailure) {
                e.addSuppressed(unlockFailure);
            }
            throw e;
        }
    }

    /** The revision of the last record written or restored: it changes with every change of a row. */
    public long revision() {
        return table.revision();
    }

    /** Its revision: a file store has one writer, the process holding the data dir's lock, on its store thread. */
    @Override
    public OptionalLong soleWriterRevision() {
        return OptionalLong.of(table.revision());
    }

    @Override
    public View load() throws IOException {
        requireOpen();
        return new View(table.rows(), table.revision(), table.retired());
    }

    @Override
    public View changesSince(long revision) throws IOException {
        requireOpen();
        return new View(table.changedSince(revision), table.revision(), table.retiredSince(revision));
    }

    /** Decides the claim rules against its own rows, then writes the granted claims as one record. */
    @Override
    public List<Allocation> claim(List<Allocation> claims, Duration quarantine, Instant now) throws IOException {
        requireWritable();
        RowTable.Decision decision = table.decideClaims(claims, quarantine, now);
        write(Frames.CLAIM, decision.changed());
        return decision.granted();
    }

    /** Releases held rows as one record; rows that are absent or already released keep their state. */
    @Override
    public void release(List<Allocation> rows, Instant at) throws IOException {
        requireWritable();
        write(Frames.RELEASE, table.decideReleases(rows, at));
    }

    /** Releases the journal and the data dir lock. Idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            try (HighWater record = highWater) {
                record.force(table.revision());
            } catch (IOException e) {
                log.warn("{}: could not fsync {} on close: {}", dataDir, highWater.path(), e.toString());
            }
            journal.close();
        } finally {
            unlock(dataDir, lockChannel);
        }
    }

    /**
     * Writes the changed rows as one record of the next revision, fsyncs, then applies them. If
     * writing or fsync fails, the rows stay as they were and the journal may end in part of the
     * frame: every later write first cuts it back ({@link #recover}).
     */
    private void write(byte type, List<Allocation> changed) throws IOException {
        if (changed.isEmpty()) {
            return;
        }
        long revision = table.revision() + 1;
        ByteBuffer frame = Frames.encode(type, revision, changed);
        try {
            FrameFile.writeFully(journal, frame);
            journal.force(true);
        } catch (IOException e) {
            failure = e;
            throw new IOException("could not make " + changed.size() + (type == Frames.CLAIM ? " claims" : " releases")
                    + " durable in " + dataDir.resolve(JOURNAL) + ": " + reason(e), e);
        }
        durableEnd = journal.position();
        table.apply(changed, revision);
        try {
            highWater.record(revision);
        } catch (IOException e) {
            // The write is durable; a stale record only weakens the check of the next open.
            log.warn("{}: could not record revision {} in {}: {}", dataDir, revision, highWater.path(), e.toString());
        }
        journalRecords += changed.size();
        if (journalRecords > Math.max(snapshotAfterRecords, snapshotRows)) {
            snapshotAfterWrite();
        }
    }

    /** A snapshot failing must not fail the durable write before it: warn once, retry after the next write. */
    private void snapshotAfterWrite() {
        try {
            snapshot();
            if (snapshotFailing) {
                log.info("{}: snapshot written again", dataDir);
            }
            snapshotFailing = false;
        } catch (IOException e) {
            if (!snapshotFailing) {
                log.warn("{}: snapshot failed, keeping the journal and retrying after each write: {}", dataDir,
                        reason(e));
            }
            log.debug("{}: snapshot failed", dataDir, e);
            snapshotFailing = true;
        }
    }

    /**
     * After a failed write: cuts the journal back to the end of its last durable frame, fsyncs it
     * and the data dir, and reads it back to check that it ends there in a whole frame, so a torn
     * frame is never followed by another. The frames before {@code durableEnd} were made durable by
     * their own fsync; whatever the failed one wrote was never acknowledged. Throws, keeping the
     * failure, while that fails.
     */
    private void recover() throws IOException {
        Path journalPath = dataDir.resolve(JOURNAL);
        try {
            FrameFile.cutBack(journal, journalPath, JOURNAL_MAGIC, durableEnd);
        } catch (IOException e) {
            throw new IOException("could not cut " + journalPath + " back to its last durable record at offset "
                    + durableEnd + " after a failed write (" + reason(failure) + "): " + reason(e), e);
        }
        log.debug("{}: cut back to offset {} after a failed write", journalPath, durableEnd);
        failure = null;
    }

    /**
     * Rewrites the data dir as a snapshot of every row and an empty journal: files of an older
     * format version ({@code fromVersion}), or (-1) what is left after an accepted loss.
     */
    private void migrate(int fromVersion) throws IOException {
        if (fromVersion > 0) {
            log.info("{}: rewriting {} allocations of the version {} format as a version {} snapshot", dataDir,
                    table.size(), fromVersion, Frames.VERSION);
        } else {
            log.warn("{}: rewriting the {} allocations left as a snapshot of revision {}", dataDir, table.size(),
                    table.revision());
        }
        snapshot();
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Writes every row to a new snapshot, then swaps in an empty journal. A crash between the two
     * leaves snapshot and old journal both holding some changes; replaying the old journal over
     * the snapshot ends in the same rows, since each record sets its rows' whole state. After a
     * durable write, a failure here must not fail the write: the caller logs it and retries later.
     */
    private void snapshot() throws IOException {
        Path journalPath = dataDir.resolve(JOURNAL);
        FrameFile.writeAtomically(dataDir.resolve(SNAPSHOT), SNAPSHOT_MAGIC, table.revision(), table.rows(),
                table.retired());
        FileChannel fresh = FrameFile.createEmpty(journalPath, JOURNAL_MAGIC, table.revision());
        try {
            Files.move(FrameFile.temp(journalPath), journalPath, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            closeQuietly(fresh);
            FrameFile.deleteQuietly(FrameFile.temp(journalPath), e);
            throw new IOException("could not swap in a fresh journal, keeping the old one: " + reason(e), e);
        }
        closeQuietly(journal);
        journal = fresh;
        journalRecords = 0;
        snapshotRows = table.size();
        durableEnd = fresh.position();
        try {
            FrameFile.forceDirectory(dataDir);
        } catch (IOException e) {
            // Until the rename is durable, a crash could bring the old journal back and lose writes:
            // the next write waits for recover(), which fsyncs the data dir again.
            failure = e;
            log.error("{}: could not fsync the data dir after swapping the journal; writes wait until it works: {}",
                    dataDir, reason(e));
        }
        try {
            highWater.force(table.revision());
        } catch (IOException e) {
            // Snapshot and journal are durable; a stale record only weakens the check of the next open.
            log.warn("{}: could not fsync {}: {}", dataDir, highWater.path(), e.toString());
        }
    }

    private static Path createDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return dir;
        }
        Files.createDirectories(dir);
        FrameFile.forceDirectory(dir.getParent());
        return dir;
    }

    private static FileChannel lock(Path dir) throws IOException {
        Path lockPath = dir.resolve(LOCK);
        if (!LOCKED_DIRS.add(dir)) {
            throw inUse(dir, lockPath);
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw inUse(dir, lockPath);
            }
            return channel;
        } catch (IOException | RuntimeException e) {
            unlock(dir, channel);
            throw e;
        }
    }

    private static IOException inUse(Path dir, Path lockPath) {
        return new IOException("data dir " + dir + " is in use by another FileVipStore (" + lockPath
                + " is locked); only one mesh-dns process may use a data dir");
    }

    /** Closing the lock file's channel releases its lock. */
    private static void unlock(Path dir, FileChannel lockChannel) throws IOException {
        try {
            if (lockChannel != null) {
                lockChannel.close();
            }
        } finally {
            LOCKED_DIRS.remove(dir);
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("FileVipStore on " + dataDir + " is closed");
        }
    }

    private void requireWritable() throws IOException {
        requireOpen();
        if (failure != null) {
            recover();
        }
    }

    /** The OS's words for a failure ("No space left on device"), or its type when it has none. */
    private static String reason(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            log.warn("closing a journal channel failed", e);
        }
    }
}
