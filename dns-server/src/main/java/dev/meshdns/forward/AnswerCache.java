package dev.meshdns.forward;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.meshdns.wire.Wire;
import java.time.Duration;
import java.util.Objects;

/**
 * The forwarder's answer cache: upstream answers by question (case-folded name, type, class, DO,
 * CD), kept for their TTL plus the serve-stale window in a size-bounded Caffeine cache, with time
 * read from an injected {@link Ticker}. 0 entries turns caching off: nothing is found, and
 * {@link #put} still returns the answer to write. Thread-safe; a lookup allocates nothing.
 */
public final class AnswerCache {
    /** One mutable lookup key per thread: Caffeine's strong-key map is searched with it as it is. */
    private static final ThreadLocal<CacheKey> LOOKUP = ThreadLocal.withInitial(CacheKey::lookupForm);

    private final Cache<CacheKey, CachedAnswer> cache; // null when off
    private final long staleNanos;
    private final Ticker ticker;
    private final CacheMetrics metrics;

    public AnswerCache(int maxEntries, Duration serveStale, Ticker ticker) {
        this(maxEntries, serveStale, ticker, CacheMetrics.NONE);
    }

    public AnswerCache(int maxEntries, Duration serveStale, Ticker ticker, CacheMetrics metrics) {
        if (maxEntries < 0) {
            throw new IllegalArgumentException("cache entries must be 0 (off) or more, got " + maxEntries);
        }
        if (serveStale.isNegative()) {
            throw new IllegalArgumentException("serve-stale must be 0s (off) or more, got " + serveStale);
        }
        this.staleNanos = serveStale.toNanos();
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.cache = maxEntries == 0 ? null : Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .expireAfter(new Lifetime())
                .ticker(ticker)
                // Maintenance (read-buffer drains, evictions) runs on the calling thread, in small
                // amortized steps: handing it to the common pool allocated on every hand-off.
                .executor(Runnable::run)
                .build();
    }

    /**
     * The fresh or stale (within serve-stale) entry for the query's question, or null. Counts a
     * hit when it can be answered at once ({@link CachedAnswer#fresh}, or {@link
     * CachedAnswer#heldStale}: then also a stale answer served), else a miss. Allocation-free.
     */
    public CachedAnswer lookup(byte[] query, long state) {
        return lookup(query, state, ticker.read());
    }

    /** As {@link #lookup(byte[], long)}, at {@code nowNanos} read from {@link #nowNanos} (saves a clock read). */
    public CachedAnswer lookup(byte[] query, long state, long nowNanos) {
        CachedAnswer answer = cache == null ? null : cache.getIfPresent(LOOKUP.get().set(query, state));
        if (answer == null) {
            metrics.cacheMiss();
            return null;
        }
        long now = nowNanos;
        if (answer.fresh(now)) {
            metrics.cacheHit(answer.kind());
        } else if (answer.heldStale(now)) {
            metrics.cacheHit(answer.kind());
            metrics.staleServed();
        } else {
            metrics.cacheMiss();
        }
        return answer;
    }

    /**
     * Takes an upstream reply to the query's question (validated by the caller: ID and question
     * match, TC=0): strips its OPT, finds its TTLs, caches it when the TTL rules allow, and returns
     * the entry to answer with (also when not cacheable). A SERVFAIL goes the way of {@link
     * #putFailure} (without EDE).
     *
     * @throws IllegalArgumentException when the reply is truncated, for another question, or
     *     malformed: treat it as that upstream's failure
     */
    public CachedAnswer put(byte[] query, long state, byte[] reply, int replyLength) {
        CachedAnswer answer = ReplyReader.read(query, state, reply, replyLength, ticker.read(), staleNanos);
        if (answer.rcode() == Wire.SERVFAIL) {
            return putFailure(query, state, null);
        }
        if (cache != null && answer.cacheable()) {
            cache.put(CacheKey.of(query, state), answer);
        }
        return answer;
    }

    /**
     * Every upstream failed: caches a SERVFAIL with {@code extendedError} (EDE option bytes, or
     * null) for 5 s and returns it, unless a usable stale entry exists: that one is kept, held so
     * that for the next 5 s lookups serve it stale without asking upstream, and returned. Write
     * the returned entry with {@code stale = !answer.fresh(now)}; the caller counts {@link
     * CacheMetrics#staleServed} per reply it writes stale from it.
     */
    public CachedAnswer putFailure(byte[] query, long state, byte[] extendedError) {
        long now = ticker.read();
        CachedAnswer failure = CachedAnswer.failure(extendedError, now);
        if (cache == null) {
            return failure;
        }
        return cache.asMap().compute(CacheKey.of(query, state),
                (key, old) -> old != null && old.usableStale(now) ? old.hold(now) : failure);
    }

    /** Entries now (an estimate, as Caffeine keeps it). */
    public long size() {
        return cache == null ? 0 : cache.estimatedSize();
    }

    /** The cache's clock, for {@link CachedAnswer#fresh} and {@link CachedAnswer#write}. */
    public long nowNanos() {
        return ticker.read();
    }

    /** Runs Caffeine's pending maintenance (evictions) now; for tests. */
    void cleanUp() {
        if (cache != null) {
            cache.cleanUp();
        }
    }

    /** An entry lives its TTL plus the serve-stale window from when it was stored. */
    private static final class Lifetime implements Expiry<CacheKey, CachedAnswer> {
        @Override
        public long expireAfterCreate(CacheKey key, CachedAnswer value, long currentTime) {
            return value.remainingNanos(currentTime);
        }

        @Override
        public long expireAfterUpdate(CacheKey key, CachedAnswer value, long currentTime, long currentDuration) {
            return value.remainingNanos(currentTime);
        }

        @Override
        public long expireAfterRead(CacheKey key, CachedAnswer value, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }
}
