package dev.meshdns.forward;

/**
 * How long the answer cache keeps an answer (DNS-BEHAVIOR "Cache"): answers for the least TTL of
 * their answer records, capped at 1 h; denials (NXDOMAIN, NODATA) for min(SOA TTL, SOA MINIMUM)
 * capped at 5 min (RFC 2308); everything at least 5 s; failures 5 s (RFC 9520); stale answers
 * carry TTL 30 (RFC 8767). Stateless.
 */
final class CachePolicy {
    static final long MAX_POSITIVE_SECONDS = 3600;
    static final long MAX_NEGATIVE_SECONDS = 300;
    static final long MIN_SECONDS = 5;
    static final long FAILURE_SECONDS = 5;
    static final int STALE_TTL_SECONDS = 30;
    static final long NANOS_PER_SECOND = 1_000_000_000L;

    private CachePolicy() {
    }

    /** The cap on every record TTL of an entry of this kind. */
    static long capSeconds(CachedAnswer.Kind kind) {
        return kind == CachedAnswer.Kind.SUCCESS ? MAX_POSITIVE_SECONDS : MAX_NEGATIVE_SECONDS;
    }

    /** How long an entry whose (capped) TTL is {@code ttlSeconds} stays fresh in the cache. */
    static long freshNanos(long ttlSeconds) {
        return Math.max(ttlSeconds, MIN_SECONDS) * NANOS_PER_SECOND;
    }
}
