package dev.meshdns.transport;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts open TCP connections, in total and per client address, against two caps. Thread-safe:
 * shared by all TCP event loops.
 */
final class ConnectionLimits {
    private final int maxTotal;
    private final int maxPerSource;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> perSource = new ConcurrentHashMap<>();

    ConnectionLimits(int maxTotal, int maxPerSource) {
        this.maxTotal = maxTotal;
        this.maxPerSource = maxPerSource;
    }

    /** Counts a new connection from {@code source} and returns true, or returns false when over a cap. */
    boolean tryAcquire(InetAddress source) {
        if (total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            return false;
        }
        boolean[] admitted = {false};
        perSource.compute(source, (address, count) -> {
            int current = count == null ? 0 : count;
            if (current >= maxPerSource) {
                return count;
            }
            admitted[0] = true;
            return current + 1;
        });
        if (!admitted[0]) {
            total.decrementAndGet();
        }
        return admitted[0];
    }

    /** Forgets one connection counted by a successful {@link #tryAcquire}. */
    void release(InetAddress source) {
        perSource.computeIfPresent(source, (address, count) -> count <= 1 ? null : count - 1);
        total.decrementAndGet();
    }

    /** Open connections counted now. */
    int total() {
        return total.get();
    }
}
