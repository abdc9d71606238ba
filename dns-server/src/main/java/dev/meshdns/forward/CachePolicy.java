package dev.meshdns.forward;

import dev.meshdns.wire.Wire;

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

    /** SUCCESS for NOERROR with answers; DENIAL for NXDOMAIN and NODATA; FAILURE for other rcodes. */
    static CachedAnswer.Kind kind(int rcode, int answers) {
        if (rcode == Wire.NOERROR && answers > 0) {
            return CachedAnswer.Kind.SUCCESS;
        }
        return rcode == Wire.NXDOMAIN || rcode == Wire.NOERROR ? CachedAnswer.Kind.DENIAL : CachedAnswer.Kind.FAILURE;
    }

    /**
     * The capped TTL of an upstream answer, from the least TTL of its answer records and its
     * authority SOA's min(TTL, MINIMUM) ({@code negativeTtl}, -1 without SOA); -1 when it is not
     * to be cached: a denial without SOA (nothing says how long it holds), or a failure.
     */
    static long ttlSeconds(CachedAnswer.Kind kind, long minAnswerTtl, long negativeTtl) {
        return switch (kind) {
            case SUCCESS -> Math.min(minAnswerTtl, MAX_POSITIVE_SECONDS);
            case DENIAL -> negativeTtl < 0 ? -1 : Math.min(Math.min(negativeTtl, minAnswerTtl), MAX_NEGATIVE_SECONDS);
            case FAILURE -> -1;
        };
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
