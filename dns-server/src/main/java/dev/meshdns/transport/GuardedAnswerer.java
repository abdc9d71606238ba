package dev.meshdns.transport;

import dev.meshdns.admin.Metrics;
import dev.meshdns.core.Resolver;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps an {@link Answerer} so that nothing it throws reaches Netty: a failure becomes
 * {@link Resolver#DROP}, is counted as an answer failure, and is logged at most once a minute.
 * Thread-safe when the delegate is.
 */
final class GuardedAnswerer implements Answerer {
    private static final Logger log = LoggerFactory.getLogger(GuardedAnswerer.class);
    private static final long LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Answerer delegate;
    private final Metrics metrics;
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong nextLogNanos = new AtomicLong(System.nanoTime());

    GuardedAnswerer(Answerer delegate, Metrics metrics) {
        this.delegate = delegate;
        this.metrics = metrics;
    }

    @Override
    public int answer(byte[] query, int length, Client client, byte[] out) {
        try {
            return delegate.answer(query, length, client, out);
        } catch (Throwable e) {
            metrics.answerFailed(client.tcp() ? Metrics.TCP : Metrics.UDP);
            failed(e);
            return Resolver.DROP;
        }
    }

    private void failed(Throwable e) {
        long count = failures.incrementAndGet();
        long now = System.nanoTime();
        long next = nextLogNanos.get();
        if ((count == 1 || now - next >= 0) && nextLogNanos.compareAndSet(next, now + LOG_INTERVAL_NANOS)) {
            log.error("answering a query failed; query dropped ({} failures so far, logged at most once a minute)",
                    count, e);
        }
    }
}
