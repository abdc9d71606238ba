package dev.meshdns.controlplane;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Reconnect delays per gRPC's connection-backoff spec: initial delay, x1.6 per failure, +-20%
 * jitter, capped; {@link #reset} after a response. Not thread-safe (one owner thread).
 */
final class Backoff {
    static final Duration INITIAL = Duration.ofSeconds(1);
    static final Duration MAX = Duration.ofSeconds(120);
    private static final double MULTIPLIER = 1.6;
    private static final double JITTER = 0.2;

    private final long initialNanos;
    private final long maxNanos;
    private long nextNanos;

    Backoff(Duration initial, Duration max) {
        this.initialNanos = initial.toNanos();
        this.maxNanos = max.toNanos();
        this.nextNanos = initialNanos;
    }

    static Backoff standard() {
        return new Backoff(INITIAL, MAX);
    }

    /** The delay before the next attempt; each call grows the one after. */
    Duration next() {
        long base = nextNanos;
        nextNanos = (long) Math.min(base * MULTIPLIER, maxNanos);
        double jitter = 1 + JITTER * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        return Duration.ofNanos((long) (base * jitter));
    }

    void reset() {
        nextNanos = initialNanos;
    }
}
