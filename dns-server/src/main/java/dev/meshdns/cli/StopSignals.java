package dev.meshdns.cli;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;

/**
 * How {@code serve} runs until SIGTERM or SIGINT: the first signal starts the stop, a second one
 * cuts the lameduck short. Signal handlers, not a JVM shutdown hook, catch them: once the JVM shuts
 * down it ignores further signals and exits 143, and the lameduck needs the process to go on. A
 * shutdown hook still runs {@code onExit} for any other way out. Thread-safe.
 */
final class StopSignals {
    private static final String[] SIGNALS = {"TERM", "INT"};

    /** The names of the signals received ("SIGTERM"), in order; the handlers never block. */
    private final BlockingQueue<String> received = new ArrayBlockingQueue<>(16);

    private StopSignals() {
    }

    /** Handles SIGTERM and SIGINT from now on; {@code onExit} runs when the JVM exits. */
    static StopSignals install(Runnable onExit) {
        StopSignals signals = new StopSignals();
        for (String name : SIGNALS) {
            Signal.handle(new Signal(name), signal -> signals.received.offer("SIG" + signal.getName()));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(onExit, "meshdns-shutdown"));
        return signals;
    }

    /** Blocks until the first signal; its name, like "SIGTERM". */
    String awaitFirst() throws InterruptedException {
        return received.take();
    }

    /** Waits up to {@code timeout} for another signal; its name, or empty when none came. */
    Optional<String> awaitSecond(Duration timeout) throws InterruptedException {
        return Optional.ofNullable(received.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
    }
}
