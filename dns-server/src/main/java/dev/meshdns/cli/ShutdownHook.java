package dev.meshdns.cli;

import java.util.concurrent.CountDownLatch;

/**
 * How {@code control-plane} runs until SIGTERM/SIGINT ({@code serve} has {@link StopSignals}): a JVM shutdown hook on the thread
 * {@code meshdns-shutdown} runs its stop action, and {@link #awaitStop()} returns once it has.
 * Thread-safe.
 */
final class ShutdownHook {
    private final CountDownLatch stopped = new CountDownLatch(1);

    private ShutdownHook() {
    }

    /** Installs the hook; {@code stop} runs on the hook's thread when the JVM is asked to stop. */
    static ShutdownHook install(Runnable stop) {
        ShutdownHook hook = new ShutdownHook();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.run();
            hook.stopped.countDown();
        }, "meshdns-shutdown"));
        return hook;
    }

    /** Blocks until the stop action has run. */
    void awaitStop() throws InterruptedException {
        stopped.await();
    }
}
