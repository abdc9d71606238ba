package dev.meshdns.forward;

/**
 * The answer cache's events, for the metric catalogue: hits by kind, misses, stale answers served.
 * Implementations must be thread-safe and cheap (called on event loops) and must not allocate.
 */
public interface CacheMetrics {
    /** Records nothing. */
    CacheMetrics NONE = new CacheMetrics() {
    };

    /** A lookup found an entry to answer with at once (fresh, or stale held after a failure). */
    default void cacheHit(CachedAnswer.Kind kind) {
    }

    /** A lookup found nothing to answer with at once: the query goes upstream. */
    default void cacheMiss() {
    }

    /** An expired answer is being served (RFC 8767) because its upstreams failed. */
    default void staleServed() {
    }
}
