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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link VipStore}: an append-only, checksummed journal ({@code vips.journal}) in a
 * data dir, fsynced before {@link #append} returns, compacted into {@code vips.snapshot} once it
 * holds more than a configured number of records. Survives {@code kill -9} at any instant without
 * losing an acknowledged allocation. A {@code LOCK} file keeps a second process out of the data
 * dir. Not thread-safe: confine it to one thread (the {@code meshdns-vip-store} executor).
 */
public final class FileVipStore implements VipStore {

    /** Journal records after which a snapshot is written, unless configured otherwise. */
    public static final int DEFAULT_SNAPSHOT_AFTER_RECORDS = 10_000;

    static final String JOURNAL = "vips.journal";
    static final String SNAPSHOT = "vips.snapshot";
    static final String LOCK = "LOCK";
    private static final String JOURNAL_MAGIC = "MDVJ";
    private static final String SNAPSHOT_MAGIC = "MDVS";
    private static final Logger log = LoggerFactory.getLogger(FileVipStore.class);
    /**
     * Data dirs locked by this JVM. A second open in the same JVM must fail before it opens the
     * lock file: with POSIX locks, closing any descriptor of a file drops the process's lock on it.
     */
    private static final Set<Path> LOCKED_DIRS = ConcurrentHashMap.newKeySet();

    private final Path dataDir;
    private final int snapshotAfterRecords;
    private final FileChannel lockChannel;
    private final Set<Allocation> allocations;
    private FileChannel journal;
    private long journalRecords;
    private IOException failure;
    private boolean closed;

    private FileVipStore(Path dataDir, int snapshotAfterRecords, FileChannel lockChannel,
            Set<Allocation> allocations, FileChannel journal, long journalRecords) {
        this.dataDir = dataDir;
        this.snapshotAfterRecords = snapshotAfterRecords;
        this.lockChannel = lockChannel;
        this.allocations = allocations;
        this.journal = journal;
        this.journalRecords = journalRecords;
    }

    /** Opens (creating if needed) the store in {@code dataDir}, snapshotting every 10 000 records. */
    public static FileVipStore open(Path dataDir) throws IOException {
        return open(dataDir, DEFAULT_SNAPSHOT_AFTER_RECORDS);
    }

    /**
     * Opens (creating if needed) the store in {@code dataDir}, restoring snapshot and journal and
     * cutting away a torn journal tail. Fails if another process holds the data dir.
     */
    public static FileVipStore open(Path dataDir, int snapshotAfterRecords) throws IOException {
        Objects.requireNonNull(dataDir, "dataDir");
        if (snapshotAfterRecords < 1) {
            throw new IllegalArgumentException("snapshotAfterRecords must be at least 1, got " + snapshotAfterRecords);
        }
        Path dir = createDirectory(dataDir.toAbsolutePath()).toRealPath();
        FileChannel lockChannel = lock(dir);
        FileChannel journal = null;
        try {
            Set<Allocation> allocations = new LinkedHashSet<>();
            allocations.addAll(readSnapshot(dir.resolve(SNAPSHOT)));
            Path journalPath = dir.resolve(JOURNAL);
            FrameFile.Contents contents = readJournal(journalPath);
            journal = FileChannel.open(journalPath, StandardOpenOption.WRITE);
            cutTornTail(journal, journalPath, contents);
            journal.position(contents.intactEnd());
            allocations.addAll(contents.allocations());
            return new FileVipStore(dir, snapshotAfterRecords, lockChannel, allocations, journal,
                    contents.allocations().size());
        } catch (IOException | RuntimeException e) {
            if (journal != null) {
                closeQuietly(journal);
            }
            try {
                unlock(dir, lockChannel);
            } catch (IOException unlockFailure) {
                e.addSuppressed(unlockFailure);
            }
            throw e;
        }
    }

    @Override
    public List<Allocation> restore() throws IOException {
        requireOpen();
        return List.copyOf(allocations);
    }

    /**
     * Appends the allocations as one journal record and fsyncs. If writing or fsync fails, the
     * journal's state is unknown, so this store refuses every later append: reopen it.
     */
    @Override
    public void append(List<Allocation> batch) throws IOException {
        requireOpen();
        if (failure != null) {
            throw new IOException("an earlier write to " + dataDir.resolve(JOURNAL)
                    + " failed; reopen the store to recover", failure);
        }
        if (batch.isEmpty()) {
            return;
        }
        ByteBuffer frame = Frames.encode(batch);
        try {
            FrameFile.writeFully(journal, frame);
            journal.force(true);
        } catch (IOException e) {
            failure = e;
            throw new IOException("could not make " + batch.size() + " allocations durable in "
                    + dataDir.resolve(JOURNAL), e);
        }
        allocations.addAll(batch);
        journalRecords += batch.size();
        if (journalRecords > snapshotAfterRecords) {
            snapshot();
        }
    }

    /** Releases the journal and the data dir lock. Idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            journal.close();
        } finally {
            unlock(dataDir, lockChannel);
        }
    }

    /** The directory holding journal, snapshot and lock. */
    public Path dataDir() {
        return dataDir;
    }

    /**
     * Writes every allocation to a new snapshot, then swaps in an empty journal. A crash between
     * the two leaves snapshot and old journal both holding some allocations, which restore reads
     * once. Runs after an append that is already durable, so a failure here must not fail the
     * append: it is logged and retried after the next one.
     */
    private void snapshot() {
        Path journalPath = dataDir.resolve(JOURNAL);
        FileChannel fresh;
        try {
            FrameFile.writeAtomically(dataDir.resolve(SNAPSHOT), SNAPSHOT_MAGIC, List.copyOf(allocations));
            fresh = FrameFile.createEmpty(journalPath, JOURNAL_MAGIC);
        } catch (IOException e) {
            log.warn("{}: snapshot failed, keeping the journal and retrying after the next append", dataDir, e);
            return;
        }
        try {
            Files.move(FrameFile.temp(journalPath), journalPath, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            closeQuietly(fresh);
            log.warn("{}: could not swap in a fresh journal, keeping the old one", dataDir, e);
            return;
        }
        closeQuietly(journal);
        journal = fresh;
        journalRecords = 0;
        try {
            FrameFile.forceDirectory(dataDir);
        } catch (IOException e) {
            // Until the rename is durable, a crash could bring the old journal back and lose appends.
            failure = e;
            log.error("{}: could not fsync the data dir after swapping the journal; refusing appends", dataDir, e);
        }
    }

    private static List<Allocation> readSnapshot(Path snapshot) throws IOException {
        Files.deleteIfExists(FrameFile.temp(snapshot));
        if (!Files.exists(snapshot)) {
            return List.of();
        }
        FrameFile.Contents contents = FrameFile.read(snapshot, SNAPSHOT_MAGIC);
        if (contents.tornTail()) {
            // A snapshot only ever appears whole (atomic rename), so any bad byte is damage.
            throw new IOException(snapshot + ": corrupt record at offset " + contents.intactEnd()
                    + "; restore the data dir from a backup");
        }
        return contents.allocations();
    }

    private static FrameFile.Contents readJournal(Path journal) throws IOException {
        Files.deleteIfExists(FrameFile.temp(journal));
        if (!Files.exists(journal)) {
            FrameFile.writeAtomically(journal, JOURNAL_MAGIC, List.of());
        }
        return FrameFile.read(journal, JOURNAL_MAGIC);
    }

    /** A torn tail is an append that never completed, so never acknowledged: it is safe to drop. */
    private static void cutTornTail(FileChannel journal, Path path, FrameFile.Contents contents) throws IOException {
        if (contents.tornTail()) {
            log.warn("{}: cutting {} bytes of torn tail at offset {}; an append that never completed,"
                    + " never acknowledged", path, contents.size() - contents.intactEnd(), contents.intactEnd());
            journal.truncate(contents.intactEnd());
            journal.force(true);
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

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            log.warn("closing a journal channel failed", e);
        }
    }
}
