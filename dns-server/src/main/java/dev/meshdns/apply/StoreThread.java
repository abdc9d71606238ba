package dev.meshdns.apply;

import dev.meshdns.catalog.Catalog;
import dev.meshdns.threads.NamedThreadFactory;
import dev.meshdns.vip.VipStore;
import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code meshdns-vip-store} thread, the one thread that touches the store and the allocators:
 * it applies each submitted catalog (a burst is coalesced into its latest), other writers' changes
 * (on notification and every 10 s), and the retry each apply asks for. Thread-safe: submit and
 * close from any thread.
 */
public final class StoreThread implements Closeable {
    /** How often other writers' changes are read even without a notification (they can be missed). */
    static final Duration REFRESH_INTERVAL = Duration.ofSeconds(10);
    /** A retry is never planned sooner than this, so a failing apply cannot spin. */
    private static final long MIN_RETRY_MILLIS = 100;
    private static final Logger log = LoggerFactory.getLogger(StoreThread.class);

    private final ScheduledThreadPoolExecutor executor;
    private final Clock clock;
    private final AtomicReference<Catalog> pending = new AtomicReference<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    // Written once by start, then read and written on the store thread only.
    private volatile CatalogApplier applier;
    private Runnable afterApply = () -> { };
    private ScheduledFuture<?> retry;

    public StoreThread(Clock clock) {
        this.clock = clock;
        this.executor = new ScheduledThreadPoolExecutor(1, NamedThreadFactory.single("meshdns-vip-store"));
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        executor.setRemoveOnCancelPolicy(true);
    }

    /** Runs {@code task} on the store thread and waits for it; its exception is rethrown. */
    public <T> T call(Callable<T> task) throws IOException {
        try {
            return executor.submit(task).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the VIP store", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IOException(cause);
        }
    }

    /** The store thread as an executor, for services whose state lives on it. */
    public Executor executor() {
        return executor;
    }

    /**
     * Starts applying with {@code applier}: the catalog submitted before, if any, then those
     * submitted from now on, other writers' changes to {@code store}, retries. {@code afterApply}
     * runs on the store thread after each apply or refresh (the allocation watches send what
     * changed). {@code store} is null without one ({@code --store none}).
     */
    public void start(CatalogApplier applier, VipStore store, Runnable afterApply) {
        this.afterApply = afterApply;
        this.applier = applier;
        if (pending.get() != null) {
            executor.execute(this::applyPending);
        }
        if (store == null) {
            return; // no store, so no other writer to refresh from
        }
        store.onRemoteChange(() -> executor.execute(() -> applied(applier.refresh())));
        long refreshMillis = REFRESH_INTERVAL.toMillis();
        executor.scheduleWithFixedDelay(() -> applied(applier.refresh()), refreshMillis, refreshMillis,
                TimeUnit.MILLISECONDS);
    }

    /**
     * Queues a catalog; a burst of changes is coalesced into applying only the latest. Before
     * {@link #start}, the latest is kept until then (the saved table may answer for it meanwhile).
     * Any thread.
     */
    public void submit(Catalog catalog) {
        if (pending.getAndSet(catalog) == null && applier != null) {
            executor.execute(this::applyPending);
        }
    }

    /** The catalog submitted and not yet applied, if any: before {@link #start}, the one it will apply first. */
    public Catalog waiting() {
        return pending.get();
    }

    /** Store thread: applies the latest catalog submitted, unless an earlier run took it. */
    private void applyPending() {
        Catalog catalog = pending.getAndSet(null);
        if (catalog != null) {
            applied(applier.apply(catalog));
        }
    }

    /** After an apply or refresh: tells the listener, then plans the retry the applier asked for. */
    private void applied(Optional<Instant> retryAt) {
        afterApply.run();
        if (retryAt.isEmpty() || closed.get()) {
            return;
        }
        if (retry != null) {
            retry.cancel(false); // one plan at a time; the newest apply knows best
        }
        long delayMillis = Math.max(MIN_RETRY_MILLIS, Duration.between(clock.instant(), retryAt.get()).toMillis());
        retry = executor.schedule(() -> applied(applier.applyFull()), delayMillis, TimeUnit.MILLISECONDS);
    }

    /** Lets the change in progress finish (its VIPs are durable before they are answered) and stops. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("a VIP store operation did not finish within 30 s of shutdown");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
