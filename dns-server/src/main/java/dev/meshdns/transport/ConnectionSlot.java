package dev.meshdns.transport;

import io.netty.channel.Channel;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One admitted TCP connection as the caps see it: its source, and what it is doing now, so that a
 * full cap can close the connection that matters least. Its event loop writes the state (volatile
 * fields, no lock, no allocation per query); {@link ConnectionLimits} reads it from any TCP event loop
 * while choosing whom to evict. A forwarded reply, on another thread, ends an outstanding query.
 */
final class ConnectionSlot {
    /** Eviction order: a stalled partial message first, then the quiet, then those waiting for a reply. */
    static final int PARTIAL = 0;
    static final int IDLE = 1;
    static final int BUSY = 2;

    final InetAddress source;
    final Channel channel;
    private final AtomicInteger outstanding = new AtomicInteger();
    private volatile long lastMessageNanos;
    private volatile long partialSinceNanos;
    private volatile boolean partial;
    /** Whether it is counted against the caps now; guarded by the lock of {@link ConnectionLimits}. */
    boolean counted;

    ConnectionSlot(InetAddress source, Channel channel) {
        this.source = source;
        this.channel = channel;
    }

    /** Admitted now: the quiet time counts from here. */
    void accepted(long nanos) {
        lastMessageNanos = nanos;
        partialSinceNanos = nanos;
    }

    /** The first bytes of a message arrived, and it is not complete yet. */
    void messageStarted(long nanos) {
        partialSinceNanos = nanos;
        partial = true;
    }

    /** A complete message arrived; {@code partialLeft} when the bytes after it start the next one. */
    void messageCompleted(long nanos, boolean partialLeft) {
        lastMessageNanos = nanos;
        partialSinceNanos = nanos;
        partial = partialLeft;
    }

    /**
     * A query whose reply comes later (forwarded) was taken; evicted last until the reply is sent. Its
     * {@link #queryDone} may come first, from another thread.
     */
    void queryPending() {
        outstanding.incrementAndGet();
    }

    /** A later reply was sent (or its connection is gone). */
    void queryDone() {
        outstanding.decrementAndGet();
    }

    int state() {
        return outstanding.get() > 0 ? BUSY : partial ? PARTIAL : IDLE;
    }

    /** Since when it has been in its state: the start of its partial message, or its last complete one. */
    long sinceNanos() {
        return partial ? partialSinceNanos : lastMessageNanos;
    }

    /** True when this connection should be closed before {@code other} to make room. */
    boolean evictBefore(ConnectionSlot other) {
        int state = state();
        int otherState = other.state();
        return state != otherState ? state < otherState : sinceNanos() - other.sinceNanos() < 0;
    }
}
