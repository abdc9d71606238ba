package dev.meshdns.forward;

import static dev.meshdns.wire.Wire.HEADER;
import static dev.meshdns.wire.Wire.NOERROR;
import static dev.meshdns.wire.Wire.NXDOMAIN;
import static dev.meshdns.wire.Wire.TYPE_OPT;
import static dev.meshdns.wire.Wire.TYPE_SOA;
import static dev.meshdns.wire.Wire.u16;
import static dev.meshdns.wire.Wire.u32;

import dev.meshdns.core.QueryState;
import java.util.Arrays;

/**
 * Reads an upstream reply once, on the miss path, into a {@link CachedAnswer}: its records
 * without the OPT, kept byte for byte from the end of the question so that their compression
 * pointers stay valid behind the client's question (same name, same length), the offsets of their
 * TTL fields, and the TTL rules of {@link CachePolicy}. Stateless.
 */
final class ReplyReader {
    private static final long SIGNED_MAX = Integer.MAX_VALUE;

    private ReplyReader() {
    }

    /**
     * Reads {@code reply[0..length)}, the upstream's reply to the question of {@code query}.
     *
     * @throws IllegalArgumentException when the reply is truncated, not a reply to this question,
     *     or its records overrun it or compress names with pointers that do not point backwards
     */
    static CachedAnswer read(byte[] query, long state, byte[] reply, int length, long nowNanos, long staleNanos) {
        int questionEnd = QueryState.questionEnd(state);
        checkHeaderAndQuestion(query, questionEnd, reply, length);
        int rcode = reply[3] & 0x0f;
        int answers = u16(reply, 6);
        int authorities = u16(reply, 8);
        int additionals = u16(reply, 10);
        int total = answers + authorities + additionals;
        int[] ttlOffsets = new int[total];
        long[] ttls = new long[total];
        int kept = 0;
        long minAnswerTtl = Long.MAX_VALUE;
        long negativeTtl = -1;
        int authorityEnd = questionEnd;
        int optStart = -1;
        int optEnd = -1;
        int opts = 0;
        int pos = questionEnd;
        for (int i = 0; i < total; i++) {
            int start = pos;
            pos = skipName(reply, pos, length);
            if (pos < 0 || pos + 10 > length) {
                throw new IllegalArgumentException("upstream reply: record " + i + " overruns the message at " + start);
            }
            int type = u16(reply, pos);
            long ttl = u32(reply, pos + 4);
            if (ttl > SIGNED_MAX) {
                ttl = 0; // RFC 2181 8: a TTL with the top bit set is read as zero
            }
            int end = pos + 10 + u16(reply, pos + 8);
            if (end > length) {
                throw new IllegalArgumentException("upstream reply: rdata of record " + i + " overruns the message");
            }
            boolean answer = i < answers;
            boolean authority = !answer && i < answers + authorities;
            if (!answer && !authority && type == TYPE_OPT) {
                if (opts++ == 0) {
                    optStart = start;
                    optEnd = end;
                }
            } else {
                if (answer) {
                    minAnswerTtl = Math.min(minAnswerTtl, ttl);
                } else if (authority && type == TYPE_SOA && end - pos - 10 >= 22) {
                    // RFC 2308 3: the denial lives min(SOA TTL, SOA MINIMUM), and the SOA says so
                    ttl = Math.min(ttl, u32(reply, end - 4));
                    negativeTtl = negativeTtl < 0 ? ttl : Math.min(negativeTtl, ttl);
                }
                ttlOffsets[kept] = pos + 4;
                ttls[kept++] = ttl;
            }
            pos = end;
            if (i == answers + authorities - 1) {
                authorityEnd = pos;
            }
        }
        int recordsEnd = pos;
        int keptAdditionals = additionals - opts;
        if (opts == 1 && recordsEnd == optEnd) {
            recordsEnd = optStart; // the usual place: the OPT is the last record
        } else if (opts > 0) {
            // An OPT amid the additional section: the later records' pointers could point past it,
            // and the section is optional, so it is left out whole.
            recordsEnd = authorityEnd;
            keptAdditionals = 0;
            kept = answers + authorities;
        }
        CachedAnswer.Kind kind;
        long ttlSeconds;
        boolean cacheable;
        if (rcode == NOERROR && answers > 0) {
            kind = CachedAnswer.Kind.SUCCESS;
            ttlSeconds = Math.min(minAnswerTtl, CachePolicy.MAX_POSITIVE_SECONDS);
            cacheable = true;
        } else if (rcode == NXDOMAIN || rcode == NOERROR) {
            kind = CachedAnswer.Kind.DENIAL;
            ttlSeconds = Math.min(Math.min(negativeTtl, minAnswerTtl), CachePolicy.MAX_NEGATIVE_SECONDS);
            cacheable = negativeTtl >= 0; // no SOA: nothing says how long the denial holds
        } else {
            kind = CachedAnswer.Kind.FAILURE;
            ttlSeconds = 0;
            cacheable = false;
        }
        long cap = CachePolicy.capSeconds(kind);
        int[] ttlValues = new int[kept];
        for (int i = 0; i < kept; i++) {
            ttlValues[i] = (int) Math.min(ttls[i], cap);
        }
        return new CachedAnswer(kind, cacheable, rcode, (reply[3] & 0x20) != 0,
                Arrays.copyOfRange(reply, questionEnd, recordsEnd), answers, authorities, keptAdditionals,
                Arrays.copyOf(ttlOffsets, kept), ttlValues, null,
                nowNanos, CachePolicy.freshNanos(Math.max(ttlSeconds, 0)), cacheable ? staleNanos : 0);
    }

    private static void checkHeaderAndQuestion(byte[] query, int questionEnd, byte[] reply, int length) {
        if (length < HEADER || (reply[2] & 0x80) == 0) {
            throw new IllegalArgumentException("upstream reply: not a response (" + length + " bytes)");
        }
        if ((reply[2] & 0x02) != 0) {
            throw new IllegalArgumentException("upstream reply: truncated (TC=1); retry over TCP, never cache");
        }
        if (u16(reply, 4) != 1 || length < questionEnd) {
            throw new IllegalArgumentException("upstream reply: not the query's one question");
        }
        for (int i = HEADER; i < questionEnd; i++) {
            if (lower(reply[i]) != lower(query[i])) {
                throw new IllegalArgumentException("upstream reply: question differs from the query's at byte " + i);
            }
        }
    }

    private static int lower(byte b) {
        return b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
    }

    /** Skips a possibly compressed owner name; -1 when malformed or a pointer does not point backwards. */
    private static int skipName(byte[] b, int pos, int length) {
        int start = pos;
        while (pos < length) {
            int len = b[pos] & 0xff;
            if (len == 0) {
                return pos + 1;
            }
            if ((len & 0xC0) == 0xC0) {
                if (pos + 1 >= length) {
                    return -1;
                }
                int target = ((len & 0x3F) << 8) | (b[pos + 1] & 0xff);
                return target < start && target >= HEADER ? pos + 2 : -1;
            }
            if (len > 63 || pos + 1 + len - start > 255) {
                return -1;
            }
            pos += 1 + len;
        }
        return -1;
    }
}
