package dev.meshdns.forward;

import java.net.InetSocketAddress;
import java.util.function.IntSupplier;

/**
 * The forwarder's events with the cache's ({@link CacheMetrics}), for the metric catalogue
 * (admin/Metrics implements it; tags stay bounded: an upstream address, an rcode, never a query
 * name). Implementations must be thread-safe and cheap: called from event loops and forwarder threads.
 */
public interface ForwardMetrics extends CacheMetrics {
    /** Records nothing. */
    ForwardMetrics NONE = new ForwardMetrics() {
    };

    /** Called once by the forwarder with live sources for two gauges: upstreams up, outstanding upstream queries. */
    default void gauges(IntSupplier upstreamsUp, IntSupplier outstandingQueries) {
    }

    /** A query was sent to an upstream ({@code tcp}: over TCP after a truncated UDP reply). */
    default void upstreamRequest(InetSocketAddress upstream, boolean tcp) {
    }

    /** An upstream's reply was accepted, {@code durationNanos} after its query was sent. */
    default void upstreamResponse(InetSocketAddress upstream, int rcode, long durationNanos) {
    }

    /** An upstream query ended without a reply: {@code timeout}, else a network error. */
    default void upstreamFailure(InetSocketAddress upstream, boolean timeout, long durationNanos) {
    }

    /** A background probe of a down upstream got no well-formed reply. */
    default void healthCheckFailure(InetSocketAddress upstream) {
    }

    /** A reply whose ID or question did not match the query was dropped (possible spoofing). */
    default void mismatchedReplyDropped(InetSocketAddress upstream) {
    }

    /** A query joined an identical one already in flight instead of asking upstream itself. */
    default void coalesced() {
    }

    /** A query got SERVFAIL at once because too many upstream queries were outstanding. */
    default void overloaded() {
    }
}
