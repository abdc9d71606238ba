package dev.meshdns.forward;

import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured upstreams in preference order, replaceable at run time (health state kept for
 * addresses that stay), and their health: a down upstream is probed with {@code . IN NS} over UDP
 * every {@code probeInterval} until any well-formed reply marks it up again. Thread-safe: read by
 * every forward, replaced from any thread; each probe loop runs on one forwarder event loop.
 */
final class Upstreams {
    private static final Logger log = LoggerFactory.getLogger(Upstreams.class);

    private final UpstreamTransport transport;
    private final ForwardMetrics metrics;
    private final long probeIntervalNanos;
    private final long probeTimeoutNanos;
    private volatile List<Upstream> all = List.of();

    Upstreams(UpstreamTransport transport, ForwardMetrics metrics, Duration probeInterval, Duration probeTimeout) {
        this.transport = transport;
        this.metrics = metrics;
        this.probeIntervalNanos = probeInterval.toNanos();
        this.probeTimeoutNanos = probeTimeout.toNanos();
    }

    /** Takes a new list (a re-read resolv.conf); addresses already known keep their health. */
    synchronized void replace(List<InetSocketAddress> addresses) {
        Map<InetSocketAddress, Upstream> known = new HashMap<>();
        all.forEach(upstream -> known.put(upstream.address, upstream));
        List<Upstream> next = new ArrayList<>(addresses.size());
        for (InetSocketAddress address : addresses) {
            Upstream upstream = known.remove(address);
            if (upstream == null && next.stream().noneMatch(u -> u.address.equals(address))) {
                upstream = new Upstream(address);
            }
            if (upstream != null) {
                next.add(upstream);
            }
        }
        known.values().forEach(Upstream::remove);
        all = List.copyOf(next);
    }

    /** The order to try for one forward: up upstreams in configured order, then down ones (all down: all still tried). */
    Upstream[] ordered() {
        List<Upstream> current = all;
        Upstream[] order = new Upstream[current.size()];
        int i = 0;
        for (Upstream upstream : current) {
            if (upstream.up()) {
                order[i++] = upstream;
            }
        }
        for (Upstream upstream : current) {
            if (!upstream.up()) {
                order[i++] = upstream;
            }
        }
        return order;
    }

    int upCount() {
        int up = 0;
        for (Upstream upstream : all) {
            up += upstream.up() ? 1 : 0;
        }
        return up;
    }

    List<UpstreamStatus> status() {
        return all.stream().map(Upstream::status).toList();
    }

    void succeeded(Upstream upstream) {
        if (!upstream.up()) {
            log.info("upstream {} is up again", upstream);
        }
        upstream.succeeded();
    }

    void failed(Upstream upstream, String why) {
        if (upstream.failed(why)) {
            log.warn("upstream {} is down after {} failures in a row (last: {}); probing it", upstream,
                    Upstream.MAX_FAILS, why);
        }
        if (!upstream.up() && upstream.startProbing()) {
            probeLater(upstream, transport.nextLoop());
        }
    }

    private void probeLater(Upstream upstream, EventLoop loop) {
        try {
            loop.schedule(() -> probe(upstream, loop), probeIntervalNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            upstream.stopProbing(); // shutting down
        }
    }

    private void probe(Upstream upstream, EventLoop loop) {
        if (upstream.up() || upstream.removed() || loop.isShuttingDown()) {
            upstream.stopProbing(); // a query got through meanwhile, or the address is gone
            return;
        }
        new UpstreamUdpExchange(transport, upstream.address, UpstreamQuery.probe(), ForwardMetrics.NONE,
                new UpstreamResult() {
                    @Override
                    public void answered(byte[] reply, int length) {
                        succeeded(upstream);
                        upstream.stopProbing();
                        if (!upstream.up() && upstream.startProbing()) {
                            probeLater(upstream, loop); // failed again between the reply and now
                        }
                    }

                    @Override
                    public void failed(boolean timeout, String why) {
                        metrics.healthCheckFailure(upstream.address);
                        upstream.failed("probe: " + why);
                        probeLater(upstream, loop);
                    }
                }).start(loop, probeTimeoutNanos);
    }
}
