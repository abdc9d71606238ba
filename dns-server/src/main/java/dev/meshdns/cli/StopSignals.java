package dev.meshdns.cli;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;

/**
 * How {@code serve} runs until SIGTERM or SIGINT: before {@link #running} a signal exits at once
 * (128 + its number, as the JVM would); after it, the first signal starts the stop and a second one
 * cuts the lameduck short. Signal handlers, not a JVM shutdown hook, catch them: a JVM that shuts
 * down ignores further signals and exits 143, and the lameduck needs the process to go on.
 * Thread-safe.
 */
final class StopSignals {
    private static final String[] SIGNALS = {"TERM", "INT"};

    /** The names of the signals received ("SIGTERM"), in order; the handlers never block. */
    private final BlockingQueue<String> received = new ArrayBlockingQueue<>(16);

    private volatile boolean running;

    private StopSignals() {
    }

    /** Handles SIGTERM and SIGINT from now on (before the server starts, so none is lost). */
    static StopSignals install() {
        StopSignals signals = new StopSignals();
        for (String name : SIGNALS) {
            Signal.handle(new Signal(name), signals::handle);
        }
        return signals;
    }

    /**
     * The server runs: signals are queued for {@link #awaitFirst} from now on, and {@code onExit}
     * runs in a shutdown hook if the JVM exits any other way.
     */
    void running(Runnable onExit) {
        Runtime.getRuntime().addShutdownHook(new Thread(onExit, "meshdns-shutdown"));
        running = true;
    }

    private void handle(Signal signal) {
        if (!running) {
            System.exit(128 + signal.getNumber()); // still starting: nothing to drain yet
        }
        received.offer("SIG" + signal.getName());
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
