package dev.meshdns.sync;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * gRPC's connection backoff (the spec's "exponential backoff"): the first wait is 1 s, each next
 * one 1.6 times longer, capped at 120 s, each spread by a uniform jitter of ±20%.
 * {@link #reset()} starts over (after a response arrived). The random source is injected so the
 * schedule is testable. Not thread-safe: owned by the {@code meshdns-sync} thread.
 */
final class ReconnectBackoff {
    static final Duration INITIAL = Duration.ofSeconds(1);
    static final double MULTIPLIER = 1.6;
    static final double JITTER = 0.2;
    static final Duration MAX = Duration.ofSeconds(120);

    private final DoubleSupplier random;
    private long nextNanos = INITIAL.toNanos();

    /** @param random uniform values in [0, 1) */
    ReconnectBackoff(DoubleSupplier random) {
        this.random = random;
    }

    static ReconnectBackoff withRandomJitter() {
        return new ReconnectBackoff(() -> ThreadLocalRandom.current().nextDouble());
    }

    /** The wait before the next attempt; every call grows the one after it. */
    Duration next() {
        long current = nextNanos;
        nextNanos = (long) Math.min(current * MULTIPLIER, MAX.toNanos());
        double spread = JITTER * current;
        return Duration.ofNanos(Math.round(current - spread + random.getAsDouble() * 2 * spread));
    }

    /** Starts the schedule over at {@link #INITIAL}. */
    void reset() {
        nextNanos = INITIAL.toNanos();
    }
}
