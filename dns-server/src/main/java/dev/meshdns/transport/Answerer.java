package dev.meshdns.transport;

import dev.meshdns.core.Cookies;
import dev.meshdns.core.Requester;
import dev.meshdns.admin.Metrics;
import dev.meshdns.core.Resolver;
import dev.meshdns.forward.Forwarder;
import dev.meshdns.forward.RecursionAllow;
import dev.meshdns.table.NameTable;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.function.Supplier;

/**
 * The one call the transport makes per query: wire bytes in, reply bytes out now, or later through
 * the client's sink. The production answerers are {@link #resolving} and {@link #forwarding}; tests
 * of framing may plug in another. Implementations must be safe to call from every event loop thread
 * at once.
 */
@FunctionalInterface
public interface Answerer {
    /** Returned instead of a length when the reply will come later, through a sink the answerer took from the client. */
    int LATER = Forwarder.PENDING;
    /** Returned instead of a length when a reply was made but must not be sent (rate limited): the query counts, no reply. */
    int SUPPRESSED = -3;

    /**
     * Answers {@code query[0..length)} into {@code out} (at least {@link Resolver#MAX_REPLY} bytes)
     * and returns the reply length, {@link Resolver#DROP} for no reply, {@link #LATER}, or {@link #SUPPRESSED}.
     */
    int answer(byte[] query, int length, Client client, byte[] out);

    /**
     * {@code answerer} with response rate limiting of its UDP replies answered at once, each limited
     * one counted in {@code metrics} (see {@link ResponseRateLimiter}).
     */
    static Answerer rateLimited(Answerer answerer, ResponseRateLimiter limiter, Metrics metrics) {
        return new RateLimitingAnswerer(answerer, limiter, metrics);
    }

    /** The zone only, with cookies of a random secret of this process. */
    static Answerer resolving(Supplier<NameTable> tables) {
        return resolving(tables, Cookies.random(false));
    }

    /** The zone only: names outside it are REFUSED. The table is the one current at each query. */
    static Answerer resolving(Supplier<NameTable> tables, Cookies cookies) {
        FastThreadLocal<Requester> requesters = requesters(cookies);
        return (query, length, client, out) -> Resolver.answer(query, length, client.tcp(), false, tables.get(),
                requesters.get().client(client.address()), out);
    }

    /** As below, with cookies of a random secret of this process. */
    static Answerer forwarding(Supplier<NameTable> tables, Forwarder forwarder, RecursionAllow allow) {
        return forwarding(tables, forwarder, allow, Cookies.random(false));
    }

    /**
     * The zone from the table, every other name through {@code forwarder} for clients {@code allow}
     * admits (their replies say RA=1); other clients get REFUSED for such names, as without forwarding.
     * Forwarded replies carry the cookie the resolver made for the query.
     */
    static Answerer forwarding(Supplier<NameTable> tables, Forwarder forwarder, RecursionAllow allow,
                               Cookies cookies) {
        FastThreadLocal<Requester> requesters = requesters(cookies);
        return (query, length, client, out) -> {
            boolean tcp = client.tcp();
            Requester requester = requesters.get().client(client.address());
            int replyLength = Resolver.answer(query, length, tcp, allow.allows(client.address()), tables.get(),
                    requester, out);
            return replyLength == Resolver.FORWARD
                    ? forwarder.forward(query, length, tcp, requester.replyCookie(), out, client) : replyLength;
        };
    }

    /** One {@link Requester} per event loop thread, on the wall clock. */
    private static FastThreadLocal<Requester> requesters(Cookies cookies) {
        return new FastThreadLocal<>() {
            @Override
            protected Requester initialValue() {
                return new Requester(cookies, () -> System.currentTimeMillis() / 1000);
            }
        };
    }
}
