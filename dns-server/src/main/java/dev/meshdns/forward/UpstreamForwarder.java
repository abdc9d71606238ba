package dev.meshdns.forward;

import static dev.meshdns.wire.Wire.u16;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.meshdns.core.Edns;
import dev.meshdns.core.QueryState;
import dev.meshdns.table.ExtendedError;
import dev.meshdns.wire.Wire;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The forwarder: answers from the {@link AnswerCache} on the caller's thread when it can, else
 * asks the upstreams (one {@link UpstreamFetch} per question in flight, shared by identical
 * queries, at most {@value #MAX_OUTSTANDING} at once) and replies through the sink from a
 * {@code meshdns-forward-N} thread. Thread-safe: {@link #forward} from any event loop, never
 * blocking; {@link #upstreams(List)}, {@link #upstreamStatus} and {@link #close} from any thread.
 */
public final class UpstreamForwarder implements Forwarder {
    /** Upstream queries in flight at most; more get SERVFAIL at once. */
    static final int MAX_OUTSTANDING = 1024;
    /** RFC 8767's client response timer: a usable stale answer is served after this without an upstream reply. */
    static final Duration STALE_AFTER = Duration.ofMillis(1800);
    static final Duration PROBE_INTERVAL = Duration.ofMillis(500);
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);
    private static final byte[] OVERLOADED = ExtendedError.of(ExtendedError.OTHER, "too many outstanding upstream queries");
    private static final byte[] CLOSED = ExtendedError.of(ExtendedError.OTHER, "shutting down");

    final UpstreamTransport transport;
    final Upstreams upstreams;
    final AnswerCache cache;
    final ForwardMetrics metrics;
    final long timeoutNanos;
    final long staleAfterNanos;
    private final int maxOutstanding;
    private final ConcurrentHashMap<CacheKey, UpstreamFetch> inflight = new ConcurrentHashMap<>();
    private final AtomicInteger outstanding = new AtomicInteger();
    private volatile boolean closed;

    /**
     * Forwards to {@code upstreams} (preference order) within {@code timeout} per query, with a
     * cache of {@code cacheEntries} answers (0: off) that serves answers up to {@code serveStale}
     * past their TTL (0s: off) when upstreams fail. Starts the forwarder's event loop threads.
     */
    public UpstreamForwarder(List<InetSocketAddress> upstreams, Duration timeout, Duration serveStale, int cacheEntries,
                             ForwardMetrics metrics) {
        this(upstreams, timeout, new AnswerCache(cacheEntries, serveStale, Ticker.systemTicker(), metrics), STALE_AFTER,
                MAX_OUTSTANDING, metrics);
    }

    /** For tests: a cache with a fake ticker, a short client response timer, a small bound. */
    UpstreamForwarder(List<InetSocketAddress> upstreams, Duration timeout, AnswerCache cache, Duration staleAfter,
                      int maxOutstanding, ForwardMetrics metrics) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("forward timeout must be positive, got " + timeout);
        }
        this.cache = Objects.requireNonNull(cache, "cache");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.timeoutNanos = timeout.toNanos();
        this.staleAfterNanos = staleAfter.toNanos();
        this.maxOutstanding = maxOutstanding;
        this.transport = new UpstreamTransport();
        this.upstreams = new Upstreams(transport, metrics, PROBE_INTERVAL, PROBE_TIMEOUT);
        this.upstreams.replace(upstreams);
        metrics.gauges(this.upstreams::upCount, outstanding::get);
    }

    @Override
    public int forward(byte[] query, int length, boolean tcp, byte[] cookie, byte[] out, Supplier<ReplySink> later) {
        long state = state(query, length, tcp);
        long now = cache.nowNanos();
        CachedAnswer cached = cache.lookup(query, state, now);
        if (cached != null) {
            if (cached.fresh(now)) {
                return cached.write(query, state, cookie, out, now, false);
            }
            if (cached.heldStale(now)) {
                return cached.write(query, state, cookie, out, now, true);
            }
            if (!cached.usableStale(now)) {
                cached = null;
            }
        }
        if (closed) {
            return CachedAnswer.failure(CLOSED, now).write(query, state, cookie, out, now, false);
        }
        return ask(CacheKey.of(query, state), new UpstreamFetch.Waiter(Arrays.copyOf(query, length), state,
                cookie == null ? null : cookie.clone(), later.get()),
                cached, out, now);
    }

    /** Joins the fetch in flight for the key, or starts one; PENDING, or the reply's length in {@code out}. */
    private int ask(CacheKey key, UpstreamFetch.Waiter waiter, CachedAnswer stale, byte[] out, long now) {
        while (true) {
            UpstreamFetch fetch = inflight.get(key);
            if (fetch != null) {
                int joined = fetch.join(waiter, stale != null);
                if (joined == UpstreamFetch.JOINED) {
                    metrics.coalesced();
                    return PENDING;
                }
                if (joined == UpstreamFetch.SERVE_STALE) {
                    metrics.staleServed();
                    return stale.write(waiter.query(), waiter.state(), waiter.cookie(), out, now, true);
                }
                continue; // it was finishing: look again
            }
            if (outstanding.incrementAndGet() > maxOutstanding) {
                outstanding.decrementAndGet();
                metrics.overloaded();
                return CachedAnswer.failure(OVERLOADED, now).write(waiter.query(), waiter.state(), waiter.cookie(), out,
                        now, false);
            }
            fetch = new UpstreamFetch(this, key, waiter, stale);
            if (inflight.putIfAbsent(key, fetch) == null) {
                fetch.start();
                return PENDING;
            }
            outstanding.decrementAndGet(); // another caller started the same question first: join it
        }
    }

    /** Called once by a fetch when it ends, before it answers its waiters. */
    void finished(UpstreamFetch fetch) {
        if (inflight.remove(fetch.key, fetch)) {
            outstanding.decrementAndGet();
        }
    }

    /** Replaces the upstreams (a re-read resolv.conf); addresses that stay keep their health. */
    public void upstreams(List<InetSocketAddress> addresses) {
        upstreams.replace(addresses);
    }

    /** The upstreams in configured order with their health, for the admin {@code /upstreams} view. */
    public List<UpstreamStatus> upstreamStatus() {
        return upstreams.status();
    }

    /** Answers in the cache now (an estimate), for the cache-entries gauge. */
    public long cachedAnswers() {
        return cache.size();
    }

    /** Queries upstream in flight now. */
    int outstanding() {
        return outstanding.get();
    }

    /** Answers every query in flight SERVFAIL, then stops the forwarder's threads. Not from a forwarder thread. */
    @Override
    public void close() {
        closed = true;
        inflight.values().forEach(fetch -> fetch.abort("shutting down"));
        transport.close();
    }

    /** The query's {@link QueryState}: where its question ends, its EDNS, the transport. */
    static long state(byte[] query, int length, boolean tcp) {
        int pos = Wire.QUESTION;
        while (pos < length && query[pos] != 0) {
            pos += 1 + (query[pos] & 0xff);
        }
        int questionEnd = pos + 5;
        int additionals = u16(query, 10);
        long edns = additionals > 0 ? Edns.parse(query, questionEnd, length, additionals) : QueryState.ABSENT;
        return QueryState.of(QueryState.malformed(edns) ? QueryState.ABSENT : edns, questionEnd, tcp);
    }
}
