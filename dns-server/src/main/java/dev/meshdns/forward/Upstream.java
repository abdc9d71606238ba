package dev.meshdns.forward;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One upstream address and its health: consecutive failures (down at {@link #MAX_FAILS}, as
 * CoreDNS's max_fails 2), the last failure's text, and whether a probe is running. Thread-safe:
 * updated from any forwarder thread.
 */
final class Upstream {
    static final int MAX_FAILS = 2;

    final InetSocketAddress address;
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicBoolean probing = new AtomicBoolean();
    private volatile String lastFailure = "";
    private volatile boolean removed;

    Upstream(InetSocketAddress address) {
        this.address = address;
    }

    boolean up() {
        return failures.get() < MAX_FAILS;
    }

    void succeeded() {
        failures.set(0);
    }

    /** Counts a failure; true when this one marked the upstream down. */
    boolean failed(String why) {
        lastFailure = why;
        return failures.incrementAndGet() == MAX_FAILS;
    }

    /** True for the one caller that may start the probe loop. */
    boolean startProbing() {
        return !removed && probing.compareAndSet(false, true);
    }

    void stopProbing() {
        probing.set(false);
    }

    /** No longer configured: its probe loop ends. */
    void remove() {
        removed = true;
    }

    boolean removed() {
        return removed;
    }

    UpstreamStatus status() {
        int fails = failures.get();
        return new UpstreamStatus(address, fails < MAX_FAILS, fails, lastFailure);
    }

    @Override
    public String toString() {
        String host = address.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
