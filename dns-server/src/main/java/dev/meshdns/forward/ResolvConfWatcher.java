package dev.meshdns.forward;

import dev.meshdns.threads.NamedThreadFactory;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-reads {@code --upstream-resolv-conf} when it changes (modification time, size, file key,
 * polled) and hands a changed nameserver list on, e.g. to {@link UpstreamForwarder#upstreams}. A
 * file that is missing, unreadable or names no usable nameserver keeps the last list (a pod's
 * resolv.conf being rewritten must not turn forwarding off). Thread-safety: {@link #start} and
 * {@link #close} from any thread; polling and the consumer run on daemon thread {@code meshdns-resolv-conf}.
 */
public final class ResolvConfWatcher implements Closeable {
    public static final Duration INTERVAL = Duration.ofSeconds(2);
    private static final Logger log = LoggerFactory.getLogger(ResolvConfWatcher.class);

    private record Stamp(FileTime modified, long size, Object fileKey) {
    }

    private final Path file;
    private final InetSocketAddress ownListen;
    private final Consumer<List<InetSocketAddress>> changed;
    private ScheduledExecutorService poller;
    private Stamp seen;
    private List<InetSocketAddress> current;
    private String lastProblem;

    /** {@code initial}: the list read at startup, which the first change replaces. */
    public ResolvConfWatcher(Path file, InetSocketAddress ownListen, List<InetSocketAddress> initial,
                             Consumer<List<InetSocketAddress>> changed) {
        this.file = Objects.requireNonNull(file, "file");
        this.ownListen = ownListen;
        this.current = List.copyOf(initial);
        this.changed = Objects.requireNonNull(changed, "changed");
        this.seen = stamp();
    }

    public synchronized void start() {
        if (poller == null) {
            poller = Executors.newSingleThreadScheduledExecutor(NamedThreadFactory.single("meshdns-resolv-conf"));
            poller.scheduleWithFixedDelay(this::poll, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** One look at the file: re-parsed when its stamp changed, handed on when its list changed. */
    synchronized void poll() {
        Stamp now = stamp();
        if (Objects.equals(now, seen)) {
            return;
        }
        seen = now;
        List<InetSocketAddress> next;
        try {
            next = ResolvConf.read(file, ownListen);
        } catch (IOException e) {
            problem("cannot read " + file + " (" + e.getMessage() + "); keeping upstreams " + current);
            return;
        }
        if (next.isEmpty()) {
            problem(file + " names no usable nameserver; keeping upstreams " + current);
            return;
        }
        lastProblem = null;
        if (!next.equals(current)) {
            log.info("upstreams from {}: {} (were {})", file, next, current);
            current = next;
            changed.accept(next);
        }
    }

    private Stamp stamp() {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return new Stamp(attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
        } catch (IOException e) {
            return null;
        }
    }

    private void problem(String text) {
        if (!text.equals(lastProblem)) {
            log.warn(text);
            lastProblem = text;
        }
    }

    @Override
    public synchronized void close() {
        if (poller != null) {
            poller.shutdownNow();
            poller = null;
        }
    }
}
