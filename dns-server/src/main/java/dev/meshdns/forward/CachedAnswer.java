package dev.meshdns.forward;

import static dev.meshdns.wire.Wire.HEADER;
import static dev.meshdns.wire.Wire.putU16;
import static dev.meshdns.wire.Wire.putU32;

import dev.meshdns.core.Opt;
import dev.meshdns.core.QueryState;
import dev.meshdns.table.ExtendedError;
import dev.meshdns.wire.Wire;

/**
 * One upstream answer as the cache keeps it: its records in wire form (without the OPT) as they
 * follow the question, where their TTL fields are and what they were, its rcode and AD bit, and
 * when it was stored; {@link #write} turns it into a reply to any client asking the same question
 * without allocating. Immutable but for the mark a failure sets on a stale entry; thread-safe.
 */
public final class CachedAnswer {
    /** What an entry is, for metrics: an answer, a denial (NXDOMAIN, NODATA) or a failure (SERVFAIL). */
    public enum Kind { SUCCESS, DENIAL, FAILURE }

    /** INFO-CODE 3 (RFC 8914): the answer is past its TTL (RFC 8767). */
    static final int STALE_ANSWER = 3;
    private static final byte[] STALE = ExtendedError.of(STALE_ANSWER, "");

    private final Kind kind;
    private final boolean cacheable;
    private final int rcode;
    private final boolean authenticData;
    /** Answer, authority and additional records, to be written right after the question. */
    private final byte[] records;
    private final int answers;
    private final int authorities;
    private final int additionals;
    /** Where in the reply each record's TTL field is (the question has the same length in every query). */
    private final int[] ttlOffsets;
    private final int[] ttlSeconds;
    private final byte[] extendedError;
    private final long storedNanos;
    private final long freshNanos;
    private final long staleNanos;
    /** Until when a failure lets this stale answer be served without asking upstream. */
    private volatile long heldUntilNanos;

    CachedAnswer(Kind kind, boolean cacheable, int rcode, boolean authenticData, byte[] records, int answers,
                 int authorities, int additionals, int[] ttlOffsets, int[] ttlSeconds, byte[] extendedError,
                 long storedNanos, long freshNanos, long staleNanos) {
        this.kind = kind;
        this.cacheable = cacheable;
        this.rcode = rcode;
        this.authenticData = authenticData;
        this.records = records;
        this.answers = answers;
        this.authorities = authorities;
        this.additionals = additionals;
        this.ttlOffsets = ttlOffsets;
        this.ttlSeconds = ttlSeconds;
        this.extendedError = extendedError;
        this.storedNanos = storedNanos;
        this.freshNanos = freshNanos;
        this.staleNanos = staleNanos;
        this.heldUntilNanos = storedNanos;
    }

    /** SERVFAIL with {@code extendedError} (or none), cached for {@link CachePolicy#FAILURE_SECONDS}. */
    static CachedAnswer failure(byte[] extendedError, long nowNanos) {
        return new CachedAnswer(Kind.FAILURE, true, Wire.SERVFAIL, false, new byte[0], 0, 0, 0, new int[0],
                new int[0], extendedError, nowNanos, CachePolicy.FAILURE_SECONDS * CachePolicy.NANOS_PER_SECOND, 0);
    }

    public Kind kind() {
        return kind;
    }

    /** The upstream's rcode (0-15). */
    public int rcode() {
        return rcode;
    }

    /** Within its TTL: answer it as it is. */
    public boolean fresh(long nowNanos) {
        return nowNanos - storedNanos < freshNanos;
    }

    /** Past its TTL by less than the serve-stale window: may answer, stale, when upstream fails. */
    public boolean usableStale(long nowNanos) {
        long age = nowNanos - storedNanos;
        return age >= freshNanos && age < freshNanos + staleNanos;
    }

    /**
     * Stale, and an upstream failure less than {@link CachePolicy#FAILURE_SECONDS} ago kept it
     * ({@link AnswerCache#putFailure}): answer it stale at once, without asking upstream again.
     */
    public boolean heldStale(long nowNanos) {
        return nowNanos - heldUntilNanos < 0 && usableStale(nowNanos);
    }

    /**
     * Writes the reply to {@code query} into {@code out} and returns its length: the client's ID,
     * RD, CD and question bytes; QR=1, RA=1, AA=0, AD as upstream set it when the client asked
     * with DO or AD; the upstream's rcode; the records with their TTLs counted down since stored
     * (never below 0), or 30 when {@code stale}; our OPT when the client sent one, with EDE 3 when
     * {@code stale} or the failure's EDE, and the COOKIE option value {@code cookie} (or none: null). TC=1 with header, question and OPT when the reply would
     * exceed {@link QueryState#replyLimit}. Allocation-free.
     */
    public int write(byte[] query, long state, byte[] cookie, byte[] out, long nowNanos, boolean stale) {
        int questionEnd = QueryState.questionEnd(state);
        boolean withOpt = QueryState.present(state);
        boolean dnssecOk = QueryState.dnssecOk(state);
        byte[] ede = stale ? STALE : extendedError;
        int optBytes = withOpt ? Opt.size(cookie, ede) : 0;
        boolean truncated = questionEnd + records.length + optBytes > QueryState.replyLimit(state);
        boolean ad = authenticData && (dnssecOk || (query[3] & 0x20) != 0);
        out[0] = query[0];
        out[1] = query[1];
        out[2] = (byte) (0x80 | (truncated ? 0x02 : 0) | (query[2] & 0x01));
        out[3] = (byte) (0x80 | (ad ? 0x20 : 0) | (query[3] & 0x10) | rcode);
        putU16(out, 4, 1);
        putU16(out, 6, truncated ? 0 : answers);
        putU16(out, 8, truncated ? 0 : authorities);
        putU16(out, 10, (truncated ? 0 : additionals) + (withOpt ? 1 : 0));
        System.arraycopy(query, HEADER, out, HEADER, questionEnd - HEADER);
        int pos = questionEnd;
        if (!truncated) {
            System.arraycopy(records, 0, out, pos, records.length);
            pos += records.length;
            writeTtls(out, nowNanos, stale);
        }
        if (withOpt) {
            pos = Opt.write(out, pos, rcode, dnssecOk, cookie, ede);
        }
        return pos;
    }

    private void writeTtls(byte[] out, long nowNanos, boolean stale) {
        long ageSeconds = Math.max(0, nowNanos - storedNanos) / CachePolicy.NANOS_PER_SECOND;
        for (int i = 0; i < ttlOffsets.length; i++) {
            long ttl = stale ? CachePolicy.STALE_TTL_SECONDS : Math.max(0, ttlSeconds[i] - ageSeconds);
            putU32(out, ttlOffsets[i], ttl);
        }
    }

    /** Whether the TTL rules let this answer be cached at all (an NXDOMAIN without SOA is not). */
    boolean cacheable() {
        return cacheable;
    }

    /** How long the cache keeps it: its TTL and the serve-stale window. */
    long lifetimeNanos() {
        return freshNanos + staleNanos;
    }

    /** What is left of {@link #lifetimeNanos} at {@code nowNanos} (at least 1). */
    long remainingNanos(long nowNanos) {
        return Math.max(1, lifetimeNanos() - (nowNanos - storedNanos));
    }

    /** Marks this stale answer as the one to serve for the next failure period; returns it. */
    CachedAnswer hold(long nowNanos) {
        heldUntilNanos = nowNanos + CachePolicy.FAILURE_SECONDS * CachePolicy.NANOS_PER_SECOND;
        return this;
    }
}
