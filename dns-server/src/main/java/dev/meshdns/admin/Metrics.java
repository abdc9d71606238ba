package dev.meshdns.admin;

import dev.meshdns.config.HostPort;
import dev.meshdns.forward.CachedAnswer;
import dev.meshdns.forward.ForwardMetrics;
import dev.meshdns.sync.SyncMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

// Past 300 lines on purpose: every metric name of mesh-dns stands in this one class (STYLE.md rule 9),
// those of the forwarder in its nested Forward.
/**
 * The one catalogue of mesh-dns metrics: every metric name and tag lives here, in base units, with
 * bounded tags only (never a query name or a client address), shaped like CoreDNS's. Counting on the
 * query path ({@link #request}, {@link #response}) adds into per-thread arrays ({@link QueryCounts})
 * that the registry sums at a scrape, so it allocates nothing and takes no lock. Thread-safe: every
 * method may be called from any thread.
 */
public final class Metrics {
    /** Transport index for UDP, as passed to {@link #response}, {@link #dropped} and {@link #answerFailed}. */
    public static final int UDP = 0;
    /** Transport index for TCP, as passed to {@link #response}, {@link #dropped} and {@link #answerFailed}. */
    public static final int TCP = 1;
    /** Content type of {@link #writePrometheusText}: the Prometheus text format 0.0.4. */
    public static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final String[] TRANSPORTS = {"udp", "tcp"};
    /** RCODEs 0..23 (the 4-bit header RCODE plus the EDNS extended range we can emit). */
    private static final int RCODES = 24;
    private static final String OTHER = "OTHER";
    /** The {@code type} tag of {@code meshdns.dns.requests}: a bounded set, CoreDNS's common types. */
    private static final String[] TYPES = {"A", "AAAA", "PTR", "SRV", "SOA", "NS", "ANY", "other"};
    /** The {@code family} tag: 1 for an IPv4 client, 2 for IPv6 (as CoreDNS). */
    private static final String[] FAMILIES = {"1", "2"};
    /** CoreDNS's duration buckets, 0.25 ms doubling to 8.192 s, in nanoseconds. */
    private static final long[] DURATION_BUCKETS_NANOS = {250_000, 500_000, 1_000_000, 2_000_000, 4_000_000,
            8_000_000, 16_000_000, 32_000_000, 64_000_000, 128_000_000, 256_000_000, 512_000_000, 1_024_000_000,
            2_048_000_000, 4_096_000_000L, 8_192_000_000L};
    /** CoreDNS's size buckets, in bytes. */
    private static final long[] SIZE_BUCKETS_BYTES = {0, 100, 200, 300, 400, 511, 1023, 2047, 4095, 8291, 16000,
            32000, 48000, 64000};
    // Slots of the per-thread arrays: requests [proto][family][type], responses [proto][rcode 0..23, other],
    // then the three histograms.
    private static final int REQUEST_SLOTS = TRANSPORTS.length * FAMILIES.length * TYPES.length;
    private static final int RESPONSES_BASE = REQUEST_SLOTS;
    private static final int RESPONSE_STRIDE = RCODES + 1;
    private static final QueryCounts.Histogram DURATION =
            new QueryCounts.Histogram(DURATION_BUCKETS_NANOS, RESPONSES_BASE + TRANSPORTS.length * RESPONSE_STRIDE);
    private static final QueryCounts.Histogram REQUEST_SIZE =
            new QueryCounts.Histogram(SIZE_BUCKETS_BYTES, DURATION.end(TRANSPORTS.length));
    private static final QueryCounts.Histogram RESPONSE_SIZE =
            new QueryCounts.Histogram(SIZE_BUCKETS_BYTES, REQUEST_SIZE.end(TRANSPORTS.length));

    /** Outcome of one catalog change, the {@code result} tag of {@code meshdns.catalog.reloads}. */
    public enum Reload {
        /** The new catalog was validated and its table published. */
        APPLIED,
        /** The catalog was invalid; the previous table keeps answering. */
        REJECTED,
        /** Applying failed (store or allocator error); the previous table keeps answering. */
        FAILED
    }

    /** Why the admin server closed a connection early, the {@code reason} tag of {@code meshdns.admin.connections.closed}. */
    public enum AdminClose {
        /** The request (head and body) did not arrive whole in time: a slow or stalled sender. */
        REQUEST_TIMEOUT,
        /** The client did not take its answer in time. */
        RESPONSE_TIMEOUT,
        /** The longest idle connection, closed to admit a new one over the cap. */
        EVICTED,
        /** A request line, headers or body over its limit (414, 431, 413). */
        TOO_LARGE,
        /** A request that is not HTTP/1.x (400). */
        BAD_REQUEST,
        /** Too many pipelined requests waiting for their answers. */
        PIPELINED
    }

    private final MeterRegistry registry;
    private Forward forward;
    private final QueryCounts counts = new QueryCounts(RESPONSE_SIZE.end(TRANSPORTS.length));
    private Sync sync;
    private final Counter[] dropped = new Counter[TRANSPORTS.length];
    private final Counter[] answerFailures = new Counter[TRANSPORTS.length];
    private final Counter[] reloads = new Counter[Reload.values().length];
    private final Counter[] adminCloses = new Counter[AdminClose.values().length];
    private final Counter tcpEvictions;
    private final Counter[] rateLimited = new Counter[2];
    private final Counter[] tcpTimeouts = new Counter[2];
    private final Counter patchedApplies;
    private final Counter fullApplies;
    private final Counter allocationFailures;
    private final Counter pinConflicts;
    private final Counter storeErrors;
    private final Timer catalogApply;
    // Gauges read these through weak references: the fields keep them alive.
    private final AtomicLong catalogServices = new AtomicLong();
    private final AtomicLong names = new AtomicLong();
    private final AtomicLong unallocatedVips = new AtomicLong();
    private final AtomicLong storeFailing = new AtomicLong();
    private final AtomicLong catalogConflicts = new AtomicLong();

    /** Registers every mesh-dns meter in {@code registry}. */
    public Metrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        registerQueryMeters();
        for (int t = 0; t < TRANSPORTS.length; t++) {
            String transport = TRANSPORTS[t];
            dropped[t] = Counter.builder("meshdns.dns.dropped")
                    .description("Datagrams and messages dropped unanswered: short, malformed or QR=1")
                    .tag("transport", transport).register(registry);
            answerFailures[t] = Counter.builder("meshdns.dns.answer.failures")
                    .description("Queries dropped unanswered because answering them failed (a bug; logged)")
                    .tag("transport", transport).register(registry);
        }
        tcpEvictions = Counter.builder("meshdns.dns.tcp.evictions")
                .description("TCP connections closed to make room for a new one when a connection cap was full")
                .register(registry);
        String[] timeoutKinds = {"idle", "message"};
        for (int k = 0; k < timeoutKinds.length; k++) {
            tcpTimeouts[k] = Counter.builder("meshdns.dns.tcp.timeouts")
                    .description("TCP connections closed by a timeout: idle without a query, or a message not"
                            + " completed in time")
                    .tag("kind", timeoutKinds[k]).register(registry);
        }
        String[] rateLimitActions = {"dropped", "slipped"};
        for (int a = 0; a < rateLimitActions.length; a++) {
            rateLimited[a] = Counter.builder("meshdns.dns.rrl.limited")
                    .description("UDP replies over --rrl-rate: dropped, or slipped (sent truncated, TC=1)")
                    .tag("action", rateLimitActions[a]).register(registry);
        }
        for (Reload result : Reload.values()) {
            reloads[result.ordinal()] = Counter.builder("meshdns.catalog.reloads")
                    .description("Catalog changes seen, by outcome")
                    .tag("result", result.name().toLowerCase(Locale.ROOT)).register(registry);
        }
        for (AdminClose reason : AdminClose.values()) {
            adminCloses[reason.ordinal()] = Counter.builder("meshdns.admin.connections.closed")
                    .description("Admin HTTP connections closed by the server's limits, by reason")
                    .tag("reason", reason.name().toLowerCase(Locale.ROOT)).register(registry);
        }
        patchedApplies = Counter.builder("meshdns.catalog.applies")
                .description("Catalogs published, by how: a patch of the changed services, or a full build")
                .tag("mode", "patch").register(registry);
        fullApplies = Counter.builder("meshdns.catalog.applies")
                .description("Catalogs published, by how: a patch of the changed services, or a full build")
                .tag("mode", "full").register(registry);
        allocationFailures = Counter.builder("meshdns.vip.allocation.failures")
                .description("Services left without a VIP by a catalog apply (pool exhausted or store down)")
                .register(registry);
        pinConflicts = Counter.builder("meshdns.vip.pin.conflicts")
                .description("Pinned VIPs not applied because another service holds the address")
                .register(registry);
        storeErrors = Counter.builder("meshdns.vip.store.errors")
                .description("VIP store operations that failed")
                .register(registry);
        catalogApply = Timer.builder("meshdns.catalog.apply")
                .description("Time to apply one catalog: pins, allocation, table build, publish")
                .register(registry);
        Gauge.builder("meshdns.catalog.services", catalogServices, AtomicLong::get)
                .description("Services in the applied catalog").register(registry);
        Gauge.builder("meshdns.catalog.conflicts", catalogConflicts, AtomicLong::get)
                .description("Names an entry asks for but another entry (or a zone apex) gets, as of the applied catalog")
                .register(registry);
        Gauge.builder("meshdns.names", names, AtomicLong::get)
                .description("Names in the published NameTable").register(registry);
        Gauge.builder("meshdns.vip.unallocated", unallocatedVips, AtomicLong::get)
                .description("Services currently without a VIP (answered SERVFAIL)").register(registry);
        Gauge.builder("meshdns.vip.store.failing", storeFailing, AtomicLong::get)
                .description("1 while VIP store calls fail (new services answer SERVFAIL; retried with backoff), else 0")
                .register(registry);
        Gauge.builder("meshdns.build.info", () -> 1).strongReference(true)
                .description("Always 1; the version tag is the version mesh-dns was built as")
                .tag("version", BuildInfo.version()).register(registry);
    }

    /** A catalogue over a new {@link PrometheusMeterRegistry}, ready for {@link #writePrometheusText}. */
    public static Metrics prometheus() {
        return new Metrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    /** The registry the meters live in (for scraping, or for binding JVM meters). */
    public MeterRegistry registry() {
        return registry;
    }

    /** Whether {@link #writePrometheusText} can work: the registry is a Prometheus registry. */
    public boolean scrapable() {
        return registry instanceof PrometheusMeterRegistry;
    }

    /**
     * Writes every meter in the Prometheus text format ({@link #PROMETHEUS_CONTENT_TYPE}).
     *
     * @throws IllegalStateException if the registry is not a {@link PrometheusMeterRegistry}
     */
    public void writePrometheusText(OutputStream out) throws IOException {
        if (!(registry instanceof PrometheusMeterRegistry prometheus)) {
            throw new IllegalStateException("metrics registry is not a PrometheusMeterRegistry but "
                    + registry.getClass().getName());
        }
        prometheus.scrape(out, PROMETHEUS_CONTENT_TYPE);
    }

    /**
     * Counts one query as it arrives: {@code meshdns.dns.requests} and {@code meshdns.dns.request.size}.
     * Hot path: no allocation, no lock.
     *
     * @param transport {@link #UDP} or {@link #TCP}
     * @param ipv6 whether the client's address is IPv6 (family 2)
     * @param qtype the question's type, or -1 when the query has no readable question (counts as other)
     * @param sizeBytes the query message's length
     */
    public void request(int transport, boolean ipv6, int qtype, int sizeBytes) {
        long[] shard = counts.local();
        QueryCounts.add(shard, (transport * FAMILIES.length + (ipv6 ? 1 : 0)) * TYPES.length + typeIndex(qtype), 1);
        REQUEST_SIZE.record(shard, transport, sizeBytes);
    }

    /**
     * Counts one reply as it is written: {@code meshdns.dns.responses}, {@code meshdns.dns.response.size}
     * and {@code meshdns.dns.request.duration}. Hot path: no allocation, no lock.
     *
     * @param transport {@link #UDP} or {@link #TCP}
     * @param rcode the full RCODE sent (0..23 named where common, anything else counts as OTHER)
     * @param sizeBytes the reply message's length (without TCP's length prefix)
     * @param durationNanos from the query's arrival in the handler to now
     */
    public void response(int transport, int rcode, int sizeBytes, long durationNanos) {
        long[] shard = counts.local();
        QueryCounts.add(shard, RESPONSES_BASE + transport * RESPONSE_STRIDE
                + (rcode >= 0 && rcode < RCODES ? rcode : RCODES), 1);
        RESPONSE_SIZE.record(shard, transport, sizeBytes);
        DURATION.record(shard, transport, durationNanos);
    }

    /** Counts one message dropped unanswered (short, malformed, QR=1). Hot path: no allocation. */
    public void dropped(int transport) {
        dropped[transport].increment();
    }

    /**
     * Counts one query dropped because answering it threw (counted here only, not as dropped: a
     * failure is a bug to alert on, a drop is bad input). Hot path: no allocation.
     */
    public void answerFailed(int transport) {
        answerFailures[transport].increment();
    }

    /** Counts one TCP connection closed to make room for a new one. */
    public void tcpEvicted() {
        tcpEvictions.increment();
    }

    /** Counts one TCP connection closed by its idle timer, or ({@code message}) by its message timer. */
    public void tcpTimedOut(boolean message) {
        tcpTimeouts[message ? 1 : 0].increment();
    }

    /** Counts one UDP reply over the rate limit: sent truncated ({@code slipped}) or dropped. Hot path: no allocation. */
    public void rateLimited(boolean slipped) {
        rateLimited[slipped ? 1 : 0].increment();
    }

    /** Counts one catalog change by its outcome. */
    public void catalogReload(Reload result) {
        reloads[result.ordinal()].increment();
    }

    /** The admin server closed a connection early, for {@code reason}. */
    public void adminConnectionClosed(AdminClose reason) {
        adminCloses[reason.ordinal()].increment();
    }

    /** Records how long one catalog apply took. */
    public void catalogApplied(boolean patched) {
        (patched ? patchedApplies : fullApplies).increment();
    }

    public void catalogApplyNanos(long elapsedNanos) {
        catalogApply.record(elapsedNanos, TimeUnit.NANOSECONDS);
    }

    /** Sets the number of services in the applied catalog. */
    public void catalogServices(int count) {
        catalogServices.set(count);
    }

    /** Sets the number of names left out of the published NameTable because another entry claims them. */
    public void catalogConflicts(int count) {
        catalogConflicts.set(count);
    }

    /** Sets the number of names in the published NameTable. */
    public void names(int count) {
        names.set(count);
    }

    /** Counts services an apply left without a VIP; no-op for zero. */
    public void vipAllocationFailures(int services) {
        if (services > 0) {
            allocationFailures.increment(services);
        }
    }

    /** Sets the number of services currently without a VIP. */
    public void unallocatedVips(int services) {
        unallocatedVips.set(services);
    }

    /** Counts one pinned VIP that was not applied because another service holds the address. */
    public void vipPinConflict() {
        pinConflicts.increment();
    }

    /** Counts one failed VIP store operation. */
    public void vipStoreError() {
        storeErrors.increment();
    }

    /** Sets whether the VIP store is failing: its last call failed and it is being retried. */
    public void vipStoreFailing(boolean failing) {
        storeFailing.set(failing ? 1 : 0);
    }

    /** The forwarder's and its cache's meters (created once, on first use). */
    public synchronized ForwardMetrics forward() {
        if (forward == null) {
            forward = new Forward();
        }
        return forward;
    }

    /**
     * The control-plane client's meters (created once, on first use: a server without a control plane
     * has none); {@code meshdns.sync.last.ack.age} counts from this first use until the first ACK.
     */
    public synchronized SyncMetrics sync() {
        if (sync == null) {
            sync = new Sync();
        }
        return sync;
    }

    /** Reports the number of cached answers of the forwarder ({@code meshdns.cache.entries}). */
    public void cacheEntries(LongSupplier entries) {
        // Strong references: the suppliers are lambdas nothing else keeps (a gauge holds its object weakly).
        Gauge.builder("meshdns.cache.entries", entries, s -> s.getAsLong()).strongReference(true)
                .description("Answers in the forwarding cache").register(registry);
    }

    /** The control-plane client's meters: written on {@code meshdns-sync}, read by scrapes. */
    private final class Sync implements SyncMetrics {
        private final AtomicLong connected = new AtomicLong();
        private final AtomicLong resources = new AtomicLong();
        private final AtomicLong lastAckNanos = new AtomicLong(System.nanoTime());
        private final Counter nacks;

        Sync() {
            Gauge.builder("meshdns.sync.connected", connected, AtomicLong::get)
                    .description("1 while a control-plane stream is established, else 0").register(registry);
            Gauge.builder("meshdns.sync.last.ack.age", lastAckNanos, t -> (System.nanoTime() - t.get()) / 1e9)
                    .baseUnit("seconds")
                    .description("Seconds since the last control-plane response was applied and ACKed "
                            + "(since the client started, before the first)").register(registry);
            Gauge.builder("meshdns.sync.resources", resources, AtomicLong::get)
                    .description("Control-plane resources (ServiceEntries) held").register(registry);
            nacks = Counter.builder("meshdns.sync.nacks")
                    .description("Control-plane responses NACKed: invalid entries or an unexpected type")
                    .register(registry);
        }

        @Override
        public void connected(boolean connected) {
            this.connected.set(connected ? 1 : 0);
        }

        @Override
        public void acked() {
            lastAckNanos.set(System.nanoTime());
        }

        @Override
        public void nacked() {
            nacks.increment();
        }

        @Override
        public void resources(int count) {
            resources.set(count);
        }
    }

    /**
     * The forwarder's meters. Upstream-tagged ones are made on first use per upstream (the
     * configured ones: a bounded set) and kept, so counting a reply looks up one map entry.
     */
    private final class Forward implements ForwardMetrics {
        private static final Duration[] DURATION_BUCKETS = Stream.of(1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2000, 5000)
                .map(Duration::ofMillis).toArray(Duration[]::new);
        private final ConcurrentHashMap<InetSocketAddress, Upstream> upstreams = new ConcurrentHashMap<>();
        private final Counter[] cacheHits = new Counter[CachedAnswer.Kind.values().length];
        private final Counter cacheMisses;
        private final Counter staleServed;
        private final Counter coalesced;
        private final Counter overloaded;

        Forward() {
            for (CachedAnswer.Kind kind : CachedAnswer.Kind.values()) {
                cacheHits[kind.ordinal()] = Counter.builder("meshdns.cache.hits")
                        .description("Forwarded queries answered from the cache, by kind of answer")
                        .tag("kind", kind.name().toLowerCase(Locale.ROOT)).register(registry);
            }
            cacheMisses = Counter.builder("meshdns.cache.misses")
                    .description("Forwarded queries the cache could not answer at once").register(registry);
            staleServed = Counter.builder("meshdns.cache.served.stale")
                    .description("Answers served past their TTL because the upstreams failed (RFC 8767)")
                    .register(registry);
            coalesced = Counter.builder("meshdns.forward.coalesced")
                    .description("Queries that joined an identical one in flight instead of asking upstream")
                    .register(registry);
            overloaded = Counter.builder("meshdns.forward.overloaded")
                    .description("Queries answered SERVFAIL at once: too many upstream queries outstanding")
                    .register(registry);
        }

        @Override
        public void gauges(IntSupplier upstreamsUp, IntSupplier outstandingQueries) {
            Gauge.builder("meshdns.forward.upstreams.up", upstreamsUp, s -> s.getAsInt()).strongReference(true)
                    .description("Upstreams answering (not marked down by failures)").register(registry);
            Gauge.builder("meshdns.forward.outstanding", outstandingQueries, s -> s.getAsInt()).strongReference(true)
                    .description("Upstream queries in flight").register(registry);
        }

        @Override
        public void upstreamRequest(InetSocketAddress upstream, boolean tcp) {
            upstream(upstream).requests[tcp ? TCP : UDP].increment();
        }

        @Override
        public void upstreamResponse(InetSocketAddress upstream, int rcode, long durationNanos) {
            Upstream meters = upstream(upstream);
            meters.response(rcode).increment();
            meters.duration.record(durationNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void upstreamFailure(InetSocketAddress upstream, boolean timeout, long durationNanos) {
            Upstream meters = upstream(upstream);
            (timeout ? meters.timeouts : meters.errors).increment();
            meters.duration.record(durationNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void healthCheckFailure(InetSocketAddress upstream) {
            upstream(upstream).healthCheckFailures.increment();
        }

        @Override
        public void mismatchedReplyDropped(InetSocketAddress upstream) {
            upstream(upstream).mismatched.increment();
        }

        @Override
        public void coalesced() {
            coalesced.increment();
        }

        @Override
        public void overloaded() {
            overloaded.increment();
        }

        @Override
        public void cacheHit(CachedAnswer.Kind kind) {
            cacheHits[kind.ordinal()].increment();
        }

        @Override
        public void cacheMiss() {
            cacheMisses.increment();
        }

        @Override
        public void staleServed() {
            staleServed.increment();
        }

        private Upstream upstream(InetSocketAddress address) {
            Upstream meters = upstreams.get(address);
            return meters != null ? meters : upstreams.computeIfAbsent(address, Upstream::new);
        }

        /** The meters of one upstream, tagged with its address. */
        private final class Upstream {
            final String tag;
            final Counter[] requests = new Counter[TRANSPORTS.length];
            final Counter[] responses = new Counter[16];
            final Counter timeouts;
            final Counter errors;
            final Counter healthCheckFailures;
            final Counter mismatched;
            final Timer duration;

            Upstream(InetSocketAddress address) {
                tag = HostPort.text(address);
                for (int t = 0; t < TRANSPORTS.length; t++) {
                    requests[t] = Counter.builder("meshdns.forward.requests")
                            .description("Queries sent upstream, by upstream and transport (TCP after truncation)")
                            .tag("upstream", tag).tag("transport", TRANSPORTS[t]).register(registry);
                }
                timeouts = failures("timeout");
                errors = failures("error");
                healthCheckFailures = Counter.builder("meshdns.forward.healthcheck.failures")
                        .description("Background probes of a down upstream that got no reply")
                        .tag("upstream", tag).register(registry);
                mismatched = Counter.builder("meshdns.forward.mismatched.replies")
                        .description("Upstream replies dropped because their ID or question did not match (spoofing)")
                        .tag("upstream", tag).register(registry);
                duration = Timer.builder("meshdns.forward.request.duration")
                        .description("Time from an upstream query to its reply or failure")
                        .serviceLevelObjectives(DURATION_BUCKETS).tag("upstream", tag).register(registry);
            }

            Counter response(int rcode) {
                int index = rcode & 0x0f;
                Counter counter = responses[index];
                if (counter == null) {
                    counter = Counter.builder("meshdns.forward.responses")
                            .description("Upstream replies accepted, by upstream and RCODE")
                            .tag("upstream", tag).tag("rcode", rcodeName(index) == OTHER ? "RCODE" + index
                                    : rcodeName(index)).register(registry);
                    responses[index] = counter; // a racing thread registers the same meter: harmless
                }
                return counter;
            }

            private Counter failures(String reason) {
                return Counter.builder("meshdns.forward.failures")
                        .description("Upstream queries that ended without a reply, by upstream and reason")
                        .tag("upstream", tag).tag("reason", reason).register(registry);
            }
        }
    }

    private void registerQueryMeters() {
        for (int t = 0; t < TRANSPORTS.length; t++) {
            for (int f = 0; f < FAMILIES.length; f++) {
                for (int type = 0; type < TYPES.length; type++) {
                    int slot = (t * FAMILIES.length + f) * TYPES.length + type;
                    FunctionCounter.builder("meshdns.dns.requests", counts, c -> c.sum(slot))
                            .description("DNS queries received, by proto, client address family (1 IPv4, 2 IPv6) "
                                    + "and query type").tag("proto", TRANSPORTS[t]).tag("family", FAMILIES[f])
                            .tag("type", TYPES[type]).register(registry);
                }
            }
            int base = RESPONSES_BASE + t * RESPONSE_STRIDE;
            int[] other = java.util.stream.IntStream.rangeClosed(0, RCODES)
                    .filter(rcode -> rcode == RCODES || rcodeName(rcode).equals(OTHER)).map(rcode -> base + rcode)
                    .toArray();
            for (int rcode = 0; rcode <= RCODES; rcode++) {
                String name = rcode == RCODES ? OTHER : rcodeName(rcode);
                if (rcode == RCODES || !name.equals(OTHER)) {
                    int[] slots = rcode == RCODES ? other : new int[] {base + rcode};
                    FunctionCounter.builder("meshdns.dns.responses", counts, c -> Arrays.stream(slots)
                                    .mapToLong(c::sum).sum())
                            .description("DNS responses sent, by proto and RCODE")
                            .tag("proto", TRANSPORTS[t]).tag("rcode", name).register(registry);
                }
            }
        }
        if (registry instanceof PrometheusMeterRegistry prometheus) {
            // Micrometer's own histograms count through shared adders; these read the per-thread arrays.
            var collectors = prometheus.getPrometheusRegistry();
            collectors.register(DURATION.collector(counts, "meshdns_dns_request_duration_seconds",
                    "Time from a query's arrival to its reply being written, by proto (CoreDNS's buckets)",
                    Unit.SECONDS, 1e-9, "proto", TRANSPORTS));
            collectors.register(REQUEST_SIZE.collector(counts, "meshdns_dns_request_size_bytes",
                    "Size of the queries received, by proto", Unit.BYTES, 1, "proto", TRANSPORTS));
            collectors.register(RESPONSE_SIZE.collector(counts, "meshdns_dns_response_size_bytes",
                    "Size of the replies sent, by proto (without TCP's length prefix)", Unit.BYTES, 1, "proto",
                    TRANSPORTS));
        }
    }

    /** The index in {@link #TYPES} of a query type. */
    private static int typeIndex(int qtype) {
        return switch (qtype) {
            case 1 -> 0;
            case 28 -> 1;
            case 12 -> 2;
            case 33 -> 3;
            case 6 -> 4;
            case 2 -> 5;
            case 255 -> 6;
            default -> 7;
        };
    }

    static String rcodeName(int rcode) {
        return switch (rcode) {
            case 0 -> "NOERROR";
            case 1 -> "FORMERR";
            case 2 -> "SERVFAIL";
            case 3 -> "NXDOMAIN";
            case 4 -> "NOTIMP";
            case 5 -> "REFUSED";
            case 16 -> "BADVERS";
            case 23 -> "BADCOOKIE";
            default -> OTHER;
        };
    }
}
