package dev.meshdns.controlplane;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Reconnect delays per gRPC's connection-backoff spec, for the xDS client and the VIP watch: the
 * first wait is {@link #INITIAL}, each next one 1.6 times longer, capped at {@link #MAX}, each
 * spread by a uniform jitter of ±20%; {@link #reset()} starts over (after a response arrived). The
 * random source is injected so a schedule is testable. Not thread-safe: one owner thread.
 */
public final class Backoff {
    public static final Duration INITIAL = Duration.ofSeconds(1);
    public static final Duration MAX = Duration.ofSeconds(120);
    private static final double MULTIPLIER = 1.6;
    private static final double JITTER = 0.2;

    private final long initialNanos;
    private final long maxNanos;
    private final DoubleSupplier random;
    private long nextNanos;

    /** @param random uniform values in [0, 1); a constant 0.5 gives the schedule without jitter */
    public Backoff(Duration initial, Duration max, DoubleSupplier random) {
        this.initialNanos = initial.toNanos();
        this.maxNanos = max.toNanos();
        this.random = random;
        this.nextNanos = initialNanos;
    }

    /** gRPC's schedule: 1 s, x1.6, ±20% random jitter, capped at 120 s. */
    public static Backoff standard() {
        return new Backoff(INITIAL, MAX, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** The wait before the next attempt; every call grows the one after it. */
    public Duration next() {
        long current = nextNanos;
        nextNanos = (long) Math.min(current * MULTIPLIER, maxNanos);
        double spread = JITTER * current;
        return Duration.ofNanos(Math.round(current - spread + random.getAsDouble() * 2 * spread));
    }

    /** Starts the schedule over at the initial wait. */
    public void reset() {
        nextNanos = initialNanos;
    }
}
