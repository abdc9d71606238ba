package dev.meshdns.it.support;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * Polls a probe until a condition holds or a deadline passes, instead of sleeping and hoping.
 * Stateless.
 */
public final class Poll {
    /** How long a catalog edit may take to be answered (the contract says within a second). */
    public static final Duration RELOAD_DEADLINE = Duration.ofSeconds(5);

    private static final long PAUSE_MILLIS = 50;

    private Poll() {
    }

    /**
     * Returns the first probe result that satisfies {@code done}, or the last result once the
     * deadline has passed (so the caller's assertion shows what was seen). Exceptions and assertion errors
     * (e.g. no reply) thrown by the probe count as "not yet" until the deadline; then the last one is rethrown.
     */
    public static <T> T until(Duration deadline, Callable<T> probe, Predicate<? super T> done) {
        long end = System.nanoTime() + deadline.toNanos();
        T last = null;
        Throwable lastError = null;
        while (true) {
            try {
                last = probe.call();
                lastError = null;
                if (done.test(last)) {
                    return last;
                }
            } catch (Exception | AssertionError e) {
                lastError = e;
            }
            if (System.nanoTime() - end > 0) {
                if (lastError != null) {
                    throw new AssertionError("probe still failing after " + deadline, lastError);
                }
                return last;
            }
            pause(PAUSE_MILLIS);
        }
    }

    public static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while polling", e);
        }
    }
}
