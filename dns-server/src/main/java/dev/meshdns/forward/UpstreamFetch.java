package dev.meshdns.forward;

import dev.meshdns.table.ExtendedError;
import dev.meshdns.wire.Wire;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One question in flight upstream, shared by every client asking it meanwhile (coalescing): tries
 * the upstreams in health order within the forward deadline (UDP, then TCP on truncation; next
 * upstream on timeout, error, SERVFAIL or REFUSED), then answers each waiter with its own reply
 * from the cache's entry. Waiters join from any thread (under this object's lock); everything
 * else runs on the one event loop the fetch was given, so the failover state needs no lock.
 */
final class UpstreamFetch implements UpstreamResult {
    /** {@link #join} results. */
    static final int JOINED = 0;
    static final int GONE = 1;
    static final int SERVE_STALE = 2;
    static final int NO_REACHABLE_AUTHORITY = 22;
    static final int NETWORK_ERROR = 23;
    /** An upstream gets at least this long unless less is left of the deadline. */
    private static final long MIN_ATTEMPT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final Logger log = LoggerFactory.getLogger(UpstreamFetch.class);
    private static final FastThreadLocal<byte[]> REPLY = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[Wire.MAX_MESSAGE];
        }
    };

    /** A client waiting for the answer: its own copy of its query and of its reply's cookie (or null). */
    record Waiter(byte[] query, long state, byte[] cookie, ReplySink sink) {
    }

    final CacheKey key;
    private final UpstreamForwarder owner;
    private final byte[] query;
    private final long state;
    private final CachedAnswer stale;
    private final EventLoop loop;
    private final List<Waiter> waiters = new ArrayList<>(2); // guarded by this
    private boolean done; // guarded by this
    private boolean staleServed; // guarded by this
    // Confined to the loop:
    private Upstream[] order;
    private int next;
    private Upstream current;
    private boolean overTcp;
    private long deadlineNanos;
    private boolean allTimedOut = true;
    private boolean finished;
    private final StringJoiner failures = new StringJoiner(", ", "upstreams failed: ", "");

    /** {@code stale}: a usable stale entry to fall back on, or null. */
    UpstreamFetch(UpstreamForwarder owner, CacheKey key, Waiter first, CachedAnswer stale) {
        this.owner = owner;
        this.key = key;
        this.query = first.query();
        this.state = first.state();
        this.stale = stale;
        this.loop = owner.transport.nextLoop();
        waiters.add(first);
    }

    /**
     * Adds a waiter unless the fetch is finishing ({@link #GONE}: look again) or has already served
     * its stale answer to the clients before and {@code hasStale} ({@link #SERVE_STALE}: answer the
     * caller's stale entry at once).
     */
    synchronized int join(Waiter waiter, boolean hasStale) {
        if (done) {
            return GONE;
        }
        if (staleServed && hasStale) {
            return SERVE_STALE;
        }
        waiters.add(waiter);
        return JOINED;
    }

    /** Starts on the fetch's loop; returns at once. */
    void start() {
        try {
            loop.execute(this::begin);
        } catch (RejectedExecutionException e) {
            finish(CachedAnswer.failure(ExtendedError.of(ExtendedError.OTHER, "shutting down"), owner.cache.nowNanos()));
        }
    }

    /** Answers the waiters SERVFAIL without caching it (shutdown); on the loop. */
    void abort(String why) {
        try {
            loop.execute(() -> finish(CachedAnswer.failure(ExtendedError.of(ExtendedError.OTHER, why),
                    owner.cache.nowNanos())));
        } catch (RejectedExecutionException e) {
            // the loop is already gone, and with it any chance to answer
        }
    }

    private void begin() {
        deadlineNanos = System.nanoTime() + owner.timeoutNanos;
        order = owner.upstreams.ordered();
        if (stale != null && owner.staleAfterNanos < owner.timeoutNanos) {
            loop.schedule(this::serveStale, owner.staleAfterNanos, TimeUnit.NANOSECONDS);
        }
        tryNext();
    }

    private void tryNext() {
        long remaining = deadlineNanos - System.nanoTime();
        if (next == order.length || remaining <= 0) {
            giveUp();
            return;
        }
        current = order[next++];
        overTcp = false;
        new UpstreamUdpExchange(owner.transport, current.address, UpstreamQuery.of(query, state), owner.metrics, this)
                .start(loop, budget(remaining));
    }

    /** The remaining time split between the upstreams left (this one included), at least 200 ms. */
    private long budget(long remaining) {
        int left = order.length - next + 1;
        return Math.min(remaining, Math.max(MIN_ATTEMPT_NANOS, remaining / left));
    }

    @Override
    public void answered(byte[] reply, int length) {
        if (finished) {
            return;
        }
        if (UpstreamQuery.truncated(reply)) {
            long remaining = deadlineNanos - System.nanoTime();
            if (overTcp || remaining <= 0) {
                upstreamFailed(false, overTcp ? "truncated over TCP" : "truncated, no time left for TCP");
                return;
            }
            overTcp = true;
            new UpstreamTcpExchange(owner.transport, current.address, UpstreamQuery.of(query, state), owner.metrics,
                    this).start(loop, budget(remaining));
            return;
        }
        int rcode = UpstreamQuery.rcode(reply);
        if (rcode == Wire.SERVFAIL || rcode == Wire.REFUSED) {
            upstreamFailed(false, rcode == Wire.SERVFAIL ? "SERVFAIL" : "REFUSED");
            return;
        }
        CachedAnswer answer;
        try {
            answer = owner.cache.put(query, state, reply, length);
        } catch (IllegalArgumentException e) {
            upstreamFailed(false, "malformed reply");
            log.debug("malformed reply from {}: {}", current, e.getMessage());
            return;
        }
        owner.upstreams.succeeded(current);
        finish(answer);
    }

    @Override
    public void failed(boolean timeout, String why) {
        if (finished) {
            return;
        }
        upstreamFailed(timeout, why);
    }

    private void upstreamFailed(boolean timeout, String why) {
        owner.upstreams.failed(current, why);
        allTimedOut &= timeout;
        failures.add(current + " " + why);
        tryNext();
    }

    /** Every upstream failed or the deadline passed: SERVFAIL with EDE 22 or 23, or the stale answer. */
    private void giveUp() {
        byte[] extendedError;
        if (order.length == 0) {
            extendedError = ExtendedError.of(NO_REACHABLE_AUTHORITY, "no upstream configured");
        } else {
            for (int i = next; i < order.length; i++) {
                failures.add(order[i] + " not tried (deadline)");
            }
            extendedError = ExtendedError.of(allTimedOut ? NO_REACHABLE_AUTHORITY : NETWORK_ERROR, failures.toString());
        }
        finish(owner.cache.putFailure(query, state, extendedError));
    }

    /** RFC 8767's client response timer: no upstream answer yet, so the waiters so far get the stale entry. */
    private void serveStale() {
        long now = owner.cache.nowNanos();
        List<Waiter> served;
        synchronized (this) {
            if (done || !stale.usableStale(now)) {
                return;
            }
            staleServed = true;
            served = new ArrayList<>(waiters);
            waiters.clear();
        }
        for (Waiter waiter : served) {
            owner.metrics.staleServed();
            reply(waiter, stale, now, true);
        }
    }

    private void finish(CachedAnswer answer) {
        if (finished) {
            return; // aborted by close, and the exchange ended after
        }
        finished = true;
        owner.finished(this); // first, so that a caller who finds it done finds a new one or none
        List<Waiter> left;
        synchronized (this) {
            done = true;
            left = List.copyOf(waiters);
            waiters.clear();
        }
        long now = owner.cache.nowNanos();
        boolean staleAnswer = !answer.fresh(now);
        for (Waiter waiter : left) {
            if (staleAnswer) {
                owner.metrics.staleServed();
            }
            reply(waiter, answer, now, staleAnswer);
        }
    }

    private static void reply(Waiter waiter, CachedAnswer answer, long now, boolean stale) {
        byte[] out = REPLY.get();
        try {
            waiter.sink().reply(out, answer.write(waiter.query(), waiter.state(), waiter.cookie(), out, now, stale));
        } catch (RuntimeException e) {
            log.warn("forwarded reply not delivered", e);
        }
    }
}
