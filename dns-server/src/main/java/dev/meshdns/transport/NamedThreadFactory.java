package dev.meshdns.transport;

import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Event loop threads named {@code prefix-1}, {@code prefix-2}, ... Thread-safe. */
final class NamedThreadFactory implements ThreadFactory {
    private final String prefix;
    private final AtomicInteger next = new AtomicInteger(1);

    NamedThreadFactory(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public Thread newThread(Runnable task) {
        // FastThreadLocalThread lets Netty's thread-locals (buffer caches, our scratch) take the fast path.
        return new FastThreadLocalThread(task, prefix + "-" + next.getAndIncrement());
    }
}
