package dev.meshdns.threads;

import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The thread factory of mesh-dns, so every thread has a name: event loops and daemon pools named
 * {@code prefix-1}, {@code prefix-2}, ..., a single daemon thread named exactly its name.
 * Thread-safe.
 */
public final class NamedThreadFactory implements ThreadFactory {
    private final String name;
    private final boolean numbered;
    private final boolean eventLoop;
    private final boolean daemon;
    private final AtomicInteger next = new AtomicInteger(1);

    private NamedThreadFactory(String name, boolean numbered, boolean eventLoop, boolean daemon) {
        this.name = name;
        this.numbered = numbered;
        this.eventLoop = eventLoop;
        this.daemon = daemon;
    }

    /** Netty event loop threads {@code prefix-N}, not daemon (unless made by a daemon thread). */
    public static NamedThreadFactory eventLoops(String prefix) {
        return new NamedThreadFactory(prefix, true, true, false);
    }

    /** Netty event loop threads {@code prefix-N} that must not keep the JVM alive (the forwarder's). */
    public static NamedThreadFactory daemonEventLoops(String prefix) {
        return new NamedThreadFactory(prefix, true, true, true);
    }

    /** Daemon threads {@code prefix-N}, for a pool that must not keep the JVM alive. */
    public static NamedThreadFactory daemon(String prefix) {
        return new NamedThreadFactory(prefix, true, false, true);
    }

    /** Daemon threads named exactly {@code name}, without a number: for a single-thread executor. */
    public static NamedThreadFactory single(String name) {
        return new NamedThreadFactory(name, false, false, true);
    }

    @Override
    public Thread newThread(Runnable task) {
        String threadName = numbered ? name + "-" + next.getAndIncrement() : name;
        // FastThreadLocalThread lets Netty's thread-locals (buffer caches, our scratch) take the fast path.
        Thread thread = eventLoop ? new FastThreadLocalThread(task, threadName) : new Thread(task, threadName);
        if (daemon) {
            thread.setDaemon(true);
        }
        return thread;
    }
}
