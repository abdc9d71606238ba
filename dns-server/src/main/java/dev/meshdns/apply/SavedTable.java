package dev.meshdns.apply;

import dev.meshdns.admin.BuildInfo;
import dev.meshdns.catalog.Catalog;
import dev.meshdns.catalog.EntrySetDigest;
import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.table.NameTable;
import dev.meshdns.table.TableImage;
import dev.meshdns.table.ZoneSpec;
import dev.meshdns.threads.NamedThreadFactory;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last table published, saved in the data dir ({@value #FILE_NAME}) with what it was built
 * from: the zone settings, the build (its jar: another build may encode or answer differently),
 * the VIP store's revision, a digest of the entries and, for a catalog file alone, a digest of its
 * bytes. A restart whose first catalog is the same set of entries (or the same file), over a store
 * at the same revision, answers from it at once, while the catalog is applied as always behind it
 * (that apply publishes the same answers, and is what later changes patch). Those VIPs were
 * durable when the table was published, and a store at the same revision still holds them. A
 * cache, not a record: written in the background after a publish (a burst saves its last table
 * only; after a save of 1.5 s, the next waits 15 s) and on close, without an fsync; a file that is
 * damaged (its CRC-32C) or of another catalog, store revision, setting or build is logged and not
 * used. Thread-safe: {@link #published} and the matching run on the store thread, the writing on
 * its own.
 *
 * <p>The file: {@code "MDNT", int32 2, the settings (int32 length, UTF-8), int64 store revision,
 * int32 entries, int64 digest, int64 digest, the catalog file's SHA-256 (int32 length, hex; 0 when
 * not one file's)}, then the table ({@link TableImage}), then {@code int32 crc32c(every byte
 * before)}.
 */
public final class SavedTable implements Closeable {
    public static final String FILE_NAME = "name-table.snapshot";
    private static final String MAGIC = "MDNT";
    private static final int FORMAT = 2;
    /** How long after a publish the table is saved: a burst of changes saves once. */
    private static final long SAVE_DELAY_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** After a save, the next waits this many times as long as it took (at most a minute): saving costs a tenth of a core at most. */
    private static final int SAVE_SPACING = 10;
    private static final long MAX_SPACING_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final int BUFFER_BYTES = 1 << 16;
    private static final Logger log = LoggerFactory.getLogger(SavedTable.class);
    /** The build that saves and reads: a table another build saved is not used, whatever it holds. */
    private static final String BUILD = build();

    private final Path file;
    private final Path temp;
    private final String settings;
    private final LongSupplier storeRevision;
    private final ScheduledThreadPoolExecutor writer;
    private final AtomicReference<Save> pending = new AtomicReference<>();
    private volatile long nextSaveNanos = System.nanoTime();
    private boolean read; // store thread

    private record Save(NameTable table, Catalog catalog, long revision) {
    }

    private SavedTable(Path dataDir, ZoneSpec spec, LongSupplier storeRevision) {
        this.file = dataDir == null ? null : dataDir.resolve(FILE_NAME);
        this.temp = dataDir == null ? null : dataDir.resolve(FILE_NAME + ".tmp");
        this.settings = spec + "; mesh-dns " + BUILD;
        this.storeRevision = storeRevision;
        this.read = dataDir == null;
        if (dataDir == null) {
            this.writer = null;
            return;
        }
        this.writer = new ScheduledThreadPoolExecutor(1, NamedThreadFactory.single("meshdns-table-save"));
        writer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false); // close saves what is due itself
    }

    /** The version, and the size and time of the jar the classes come from, when they come from one. */
    private static String build() {
        try {
            Path jar = Path.of(SavedTable.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(jar)) {
                return BuildInfo.version() + " (" + jar.getFileName() + ", " + Files.size(jar) + " bytes, "
                        + Files.getLastModifiedTime(jar) + ")";
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            log.debug("the build of the saved table is its version only: {}", e.toString());
        }
        return BuildInfo.version();
    }

    /** Saves in {@code dataDir}, keyed by {@code spec} and the store's revision (read on the store thread). */
    public static SavedTable in(Path dataDir, ZoneSpec spec, LongSupplier storeRevision) {
        return new SavedTable(dataDir, spec, storeRevision);
    }

    /** Saves nothing and never matches: without a file store there is no revision to key a table by. */
    public static SavedTable none() {
        return new SavedTable(null, null, () -> -1);
    }

    /**
     * The saved table, when it was built from a catalog of exactly these entries (in any order)
     * under the same zone settings and build, over the store at the revision it is at now; empty
     * otherwise, and after the first call or a publish. Store thread, once the store is open. Never
     * throws: a damaged file is logged at WARN.
     */
    public Optional<NameTable> matching(List<ServiceEntry> entries) {
        return matching(null, () -> EntrySetDigest.of(entries));
    }

    /** As {@link #matching(List)}, for the digest of the entries (asked only when the rest matches). */
    public Optional<NameTable> matching(Supplier<EntrySetDigest> entries) {
        return matching(null, entries);
    }

    /**
     * As {@link #matching(List)}, for a catalog file's bytes ({@link Catalog#sourceOf}): the table
     * saved from a catalog read from the same bytes, before they are parsed.
     */
    public Optional<NameTable> matchingSource(String source) {
        return matching(source, null);
    }

    private Optional<NameTable> matching(String source, Supplier<EntrySetDigest> entries) {
        if (read) {
            return Optional.empty();
        }
        read = true;
        long start = System.nanoTime();
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            log.warn("cannot read the saved table {}: {}; applying the catalog without it", file, e.toString());
            return Optional.empty();
        }
        CheckedInputStream checked;
        try (DataInputStream in = new DataInputStream(checked = new CheckedInputStream(
                new BufferedInputStream(Files.newInputStream(file), BUFFER_BYTES), new CRC32C()))) {
            byte[] magic = new byte[MAGIC.length()];
            in.readFully(magic);
            int format = in.readInt();
            if (!MAGIC.equals(new String(magic, StandardCharsets.US_ASCII))) {
                throw new IOException("not a saved table");
            }
            if (format != FORMAT) {
                log.info("the saved table {} is of format {} (this build reads {}): applying the catalog without it",
                        file, format, FORMAT);
                return Optional.empty();
            }
            byte[] savedSettings = new byte[Math.min(in.readInt(), (int) Math.min(size, 1 << 20))];
            in.readFully(savedSettings);
            long revision = in.readLong();
            EntrySetDigest saved = new EntrySetDigest(in.readInt(), in.readLong(), in.readLong());
            byte[] savedSource = new byte[Math.min(in.readInt(), 256)];
            in.readFully(savedSource);
            long now = storeRevision.getAsLong();
            String other = !settings.equals(new String(savedSettings, StandardCharsets.UTF_8))
                    ? "other zone settings or another build"
                    : revision != now ? "store revision " + revision + " (the store is at " + now + ")" : null;
            if (other == null && source != null && !source.equals(new String(savedSource, StandardCharsets.UTF_8))) {
                other = "another catalog file";
            }
            if (other == null && entries != null) {
                EntrySetDigest given = entries.get();
                other = saved.equals(given) ? null
                        : "another catalog (" + saved.count() + " entries; " + given.count() + " now)";
            }
            if (other != null) {
                log.info("the saved table {} is of {}: applying the catalog without it", file, other);
                return Optional.empty();
            }
            NameTable table = TableImage.read(in, size);
            int expected = (int) checked.getChecksum().getValue();
            if (in.readInt() != expected || in.read() != -1) {
                throw new IOException("its CRC-32C does not match its bytes");
            }
            log.info("answering from the saved table {} ({} names, store revision {}) while the catalog is applied;"
                    + " read in {} ms", file, table.entryNames(), revision,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            return Optional.of(table);
        } catch (EOFException e) {
            log.warn("the saved table {} is damaged (it ends early): applying the catalog without it", file);
        } catch (IOException | RuntimeException e) {
            log.warn("the saved table {} is damaged ({}): applying the catalog without it", file, e.getMessage());
        }
        return Optional.empty();
    }

    /**
     * After a publish (store thread): saves the table in the background a second later, or once
     * ten times as long as the last save took has passed since it, unless a newer one is published
     * first.
     */
    void published(NameTable table, Catalog catalog) {
        if (writer == null) {
            return;
        }
        read = true; // a table was published: the saved one is of the past
        if (pending.getAndSet(new Save(table, catalog, storeRevision.getAsLong())) == null) {
            long delay = Math.max(SAVE_DELAY_NANOS, nextSaveNanos - System.nanoTime());
            try {
                writer.schedule(this::save, delay, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException closing) {
                // close saves what is pending
            }
        }
    }

    private synchronized void save() {
        Save save = pending.getAndSet(null);
        if (save == null) {
            return;
        }
        long start = System.nanoTime();
        try {
            CheckedOutputStream checked;
            try (DataOutputStream out = new DataOutputStream(checked = new CheckedOutputStream(
                    new BufferedOutputStream(Files.newOutputStream(temp), BUFFER_BYTES), new CRC32C()))) {
                EntrySetDigest digest = EntrySetDigest.of(save.catalog().entries());
                out.write(MAGIC.getBytes(StandardCharsets.US_ASCII));
                out.writeInt(FORMAT);
                byte[] settingsBytes = settings.getBytes(StandardCharsets.UTF_8);
                out.writeInt(settingsBytes.length);
                out.write(settingsBytes);
                out.writeLong(save.revision());
                out.writeInt(digest.count());
                out.writeLong(digest.first());
                out.writeLong(digest.second());
                byte[] source = save.catalog().source() == null ? new byte[0]
                        : save.catalog().source().getBytes(StandardCharsets.UTF_8);
                out.writeInt(source.length);
                out.write(source);
                TableImage.write(save.table(), out);
                out.writeInt((int) checked.getChecksum().getValue());
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            long took = System.nanoTime() - start;
            nextSaveNanos = System.nanoTime() + Math.min(MAX_SPACING_NANOS, SAVE_SPACING * took);
            log.debug("table saved to {}: {} names, store revision {}, {} bytes, in {} ms", file,
                    save.table().entryNames(), save.revision(), Files.size(file),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        } catch (IOException | RuntimeException e) {
            // The file left, if any, is keyed by what it was built from: it matches only a restart it is right for.
            log.warn("cannot save the table to {}: {}", file, e.toString());
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // the next save writes it again
            }
        }
    }

    /** Finishes a save in progress, then saves the table published since, if any. Idempotent. */
    @Override
    public void close() {
        if (writer == null) {
            return;
        }
        writer.shutdown();
        try {
            if (!writer.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("saving the table to {} did not finish within 10 s of shutdown", file);
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        save();
    }
}
