package dev.meshdns.apply;

import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.table.LiveTable;
import dev.meshdns.table.ZoneSpec;
import dev.meshdns.threads.NamedThreadFactory;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A full table built on the {@code meshdns-table-build} thread, so that the store thread can make
 * its VIPs durable meanwhile: at a million services each took some 5-9 s on one core while the
 * other one idled. The build is a function of the entries and VIPs alone, both immutable. One
 * thread for every applier; not thread-safe (the store thread starts and takes each build).
 */
final class TableBuild {
    private static final ExecutorService THREAD =
            Executors.newSingleThreadExecutor(NamedThreadFactory.single("meshdns-table-build"));

    /** The table and how long its build took on its thread. */
    record Built(LiveTable table, long nanos) {
    }

    private final Future<Built> built;

    private TableBuild(Future<Built> built) {
        this.built = built;
    }

    /** Starts building the table of these entries with these VIPs (see {@link LiveTable#build}). */
    static TableBuild start(ZoneSpec spec, List<ServiceEntry> entries, PublishedVips vips) {
        return new TableBuild(THREAD.submit(() -> {
            long start = System.nanoTime();
            LiveTable table = LiveTable.build(spec, entries, vips);
            return new Built(table, System.nanoTime() - start);
        }));
    }

    /** The table, once built; what the build threw is thrown here. */
    Built get() {
        try {
            return built.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the table was built", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The table will not be used: a build not yet started does not start. */
    void abandon() {
        built.cancel(false);
    }
}
