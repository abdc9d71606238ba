package dev.meshdns.catalog;

import dev.meshdns.threads.NamedThreadFactory;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls a catalog file (modification time, size and file key) and hands every changed, usable
 * parse to a {@link Listener}. A change is read only once the file has looked the same for two
 * polls in a row, or was last written at least an interval ago, so a half-written file is usually
 * not read; atomic rename is still the safe way to edit. A re-read parses again only the entries the
 * edit touched when it can be sure of the outcome, and keeps the previous instance of every entry
 * left as it was (see {@link ParsedCatalog#reread}). Whole-file problems
 * and bad entries are logged here; a missing file is logged once and waited for. Thread-safety: {@link #start} and {@link #close} may be called from any thread;
 * polling runs on one daemon thread {@code meshdns-catalog}.
 */
public final class CatalogWatcher implements Closeable {
    /** Polling interval: a change shows within one interval (two while the file is still being written). */
    public static final Duration INTERVAL = Duration.ofMillis(250);
    private static final int READ_CHUNK = 64 * 1024;
    /** About the largest array a JVM makes; a catalog is rejected long before ({@link CatalogFile#MAX_CODE_POINTS}). */
    private static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 16;
    private static final Logger log = LoggerFactory.getLogger(CatalogWatcher.class);

    /** Receives each new usable catalog, on the watcher's thread (or the caller of {@link #start}). */
    @FunctionalInterface
    public interface Listener {
        void catalogChanged(Catalog catalog);

        /** A changed file that was rejected as a whole (not YAML, no {@code services:}); the previous catalog stays. */
        default void catalogRejected(String reason) {
        }

        /** A listener of both events. */
        static Listener of(Consumer<Catalog> changed, Consumer<String> rejected) {
            return new Listener() {
                @Override
                public void catalogChanged(Catalog catalog) {
                    changed.accept(catalog);
                }

                @Override
                public void catalogRejected(String reason) {
                    rejected.accept(reason);
                }
            };
        }
    }

    private record Stamp(FileTime modified, long size, Object fileKey) {
    }

    private final Path file;
    private final Listener listener;
    private final Clock clock;
    private final Object lock = new Object();
    private ScheduledExecutorService poller;
    private Stamp seen;
    private Stamp loaded;
    /** The bytes last read, {@code [0, loadedLength)}: the content of {@link #parsed} unless it was rejected. */
    private byte[] loadedContent;
    private int loadedLength;
    /**
     * The array the next read goes into: the content read before the last one, once no parse holds
     * it. Two arrays take turns, so an edit of a catalog of a million services makes no 24 MB array of
     * garbage (too large for the young generation: the old one collected it, with full pauses).
     */
    private byte[] spare = new byte[0];
    /** The last parse delivered; without its content after a rejected file (then the next read is full). */
    private ParsedCatalog parsed;
    private boolean warnedMissing;
    private String lastReadError;

    public CatalogWatcher(Path file, Listener listener) {
        this(file, listener, Clock.systemUTC());
    }

    /** With the clock that tells how long ago the file was last written. */
    CatalogWatcher(Path file, Listener listener, Clock clock) {
        this.file = Objects.requireNonNull(file, "file");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Loads the file now on the calling thread if it exists (the listener runs before this
     * returns), then polls it every {@link #INTERVAL} on a daemon thread.
     */
    public void start() {
        synchronized (lock) {
            if (poller != null) {
                throw new IllegalStateException("already started");
            }
            loadNow();
            poller = Executors.newSingleThreadScheduledExecutor(NamedThreadFactory.single("meshdns-catalog"));
            long millis = INTERVAL.toMillis();
            poller.scheduleWithFixedDelay(this::pollQuietly, millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    /** Stops polling; a listener call in progress finishes first. Idempotent. */
    @Override
    public void close() {
        ScheduledExecutorService running;
        synchronized (lock) {
            running = poller;
        }
        if (running != null) {
            running.shutdownNow();
            try {
                running.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * One polling step: reads and delivers the file when it changed and has been stable since the
     * previous poll. Returns true when the listener was called. Visible for tests (no sleeping).
     */
    boolean poll() {
        synchronized (lock) {
            Stamp now = stamp();
            Stamp previous = seen;
            seen = now;
            if (now == null || now.equals(loaded) || !(now.equals(previous) || settled(now))) {
                return false;
            }
            return load(now);
        }
    }

    /** Reads the file without waiting for it to be stable (start-up). Returns true when delivered. */
    boolean loadNow() {
        synchronized (lock) {
            Stamp now = stamp();
            seen = now;
            return now != null && load(now);
        }
    }

    private boolean load(Stamp stamp) {
        int length;
        try {
            length = readIntoSpare(stamp.size());
        } catch (IOException e) {
            warnReadError(e);
            return false;
        }
        lastReadError = null;
        loaded = stamp;
        if (loadedContent != null && Arrays.equals(spare, 0, length, loadedContent, 0, loadedLength)) {
            return false;
        }
        byte[] content = spare;
        byte[] previous = loadedContent;
        loadedContent = content;
        loadedLength = length;
        spare = null; // previous stays the content of parsed until that is replaced
        long started = System.nanoTime();
        ParsedCatalog read;
        try {
            read = parsed == null ? ParsedCatalog.parse(content, length, List.of()) : parsed.reread(content, length);
        } catch (CatalogException e) {
            log.error("catalog file {} rejected, keeping the previous catalog: {}", file, e.getMessage());
            parsed = parsed == null ? null : parsed.withoutContent(); // loadedContent is the rejected one
            spare = previous;
            listener.catalogRejected(e.getMessage());
            return false;
        }
        logRead(read, parsed != null, (System.nanoTime() - started) / 1_000_000);
        Catalog catalog = read.catalog().readFrom(content, length);
        catalog.problems().forEach(problem -> log.warn("{}: {}", file, problem));
        parsed = read;
        spare = previous;
        listener.catalogChanged(catalog);
        return true;
    }

    /**
     * Reads the whole file into {@link #spare} (a larger array when it does not fit, with room to
     * grow), {@value #READ_CHUNK} bytes a call (the JDK copies through a temporary direct buffer
     * as large as each call). Returns how many bytes it holds.
     */
    private int readIntoSpare(long expected) throws IOException {
        byte[] buffer = spare != null && spare.length > expected ? spare : new byte[roomFor(expected)];
        int length = 0;
        try (InputStream in = Files.newInputStream(file)) {
            int read;
            while ((read = in.read(buffer, length, Math.min(READ_CHUNK, buffer.length - length))) >= 0) {
                length += read;
                if (length == buffer.length) {
                    buffer = Arrays.copyOf(buffer, roomFor(length));
                }
            }
        }
        spare = buffer;
        return length;
    }

    /** An array size for a file of {@code size} bytes: an eighth more, so the edits that follow fit. */
    private static int roomFor(long size) throws IOException {
        long room = size + size / 8 + 4096;
        if (room > MAX_FILE_BYTES) {
            throw new IOException("larger than " + MAX_FILE_BYTES + " bytes");
        }
        return (int) room;
    }

    private void logRead(ParsedCatalog read, boolean again, long millis) {
        if (!again) {
            log.info("catalog file {} read: {} entries, {} ms", file, read.items(), millis);
        } else {
            log.info("catalog file {} re-read: {} of {} entries parsed again ({}), {} ms", file, read.itemsParsed(),
                    read.items(), read.incremental() ? "incremental" : "full", millis);
        }
    }

    /**
     * Last written at least an interval ago: as still as a file that looked the same for two polls
     * (an atomic rename of a file written earlier), so it is read at first sight. A modification
     * time in the future is not trusted.
     */
    private boolean settled(Stamp stamp) {
        long age = clock.millis() - stamp.modified().toMillis();
        return age >= INTERVAL.toMillis();
    }

    private Stamp stamp() {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (warnedMissing) {
                log.info("catalog file {} appeared", file);
                warnedMissing = false;
            }
            return new Stamp(attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
        } catch (NoSuchFileException e) {
            if (!warnedMissing) {
                log.warn("catalog file {} does not exist; waiting for it (the last catalog loaded, if any, stays"
                        + " in use)", file);
                warnedMissing = true;
            }
            return null;
        } catch (IOException e) {
            warnReadError(e);
            return null;
        }
    }

    private void warnReadError(IOException e) {
        String message = e.toString();
        if (!message.equals(lastReadError)) {
            log.warn("cannot read catalog file {}: {}", file, message);
            lastReadError = message;
        }
    }

    private void pollQuietly() {
        try {
            poll();
        } catch (RuntimeException e) {
            // A failing listener must not end the schedule: the next change gets another chance.
            log.error("catalog listener failed", e);
        }
    }
}
