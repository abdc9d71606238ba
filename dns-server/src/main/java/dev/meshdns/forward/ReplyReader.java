package dev.meshdns.forward;

import static dev.meshdns.wire.Wire.HEADER;
import static dev.meshdns.wire.Wire.TYPE_OPT;
import static dev.meshdns.wire.Wire.TYPE_SOA;
import static dev.meshdns.wire.Wire.u16;
import static dev.meshdns.wire.Wire.u32;

import dev.meshdns.core.QueryState;
import dev.meshdns.table.WireName;
import dev.meshdns.wire.Wire;
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
     *     has an extended rcode, or its records overrun it or compress names with pointers that do
     *     not point backwards
     */
    static CachedAnswer read(byte[] query, long state, byte[] reply, int length, long nowNanos, long staleNanos) {
        int questionEnd = QueryState.questionEnd(state);
        checkHeaderAndQuestion(query, questionEnd, reply, length);
        Records r = new Records(reply, length, questionEnd);
        int rcode = reply[3] & 0x0f;
        CachedAnswer.Kind kind = CachePolicy.kind(rcode, r.answers);
        long ttlSeconds = CachePolicy.ttlSeconds(kind, r.minAnswerTtl, r.negativeTtl);
        boolean cacheable = ttlSeconds >= 0;
        long cap = CachePolicy.capSeconds(kind);
        int[] ttls = new int[r.kept];
        for (int i = 0; i < r.kept; i++) {
            ttls[i] = (int) Math.min(r.ttls[i], cap);
        }
        return new CachedAnswer(kind, cacheable, rcode, (reply[3] & 0x20) != 0,
                Arrays.copyOfRange(reply, questionEnd, r.end), r.answers, r.authorities, r.additionals,
                Arrays.copyOf(r.ttlOffsets, r.kept), ttls, null,
                nowNanos, CachePolicy.freshNanos(Math.max(ttlSeconds, 0)), cacheable ? staleNanos : 0);
    }

    /** One walk over the records after the question: where they end without the OPT, their TTLs. */
    private static final class Records {
        final int answers;
        final int authorities;
        int additionals;
        final int[] ttlOffsets;
        final long[] ttls;
        int kept;
        long minAnswerTtl = Long.MAX_VALUE;
        /** min(SOA TTL, SOA MINIMUM) of the authority's SOA (RFC 2308), or -1 without one. */
        long negativeTtl = -1;
        int end;

        Records(byte[] reply, int length, int questionEnd) {
            answers = u16(reply, 6);
            authorities = u16(reply, 8);
            additionals = u16(reply, 10);
            int total = answers + authorities + additionals;
            // A record is at least 11 bytes (root name, type, class, TTL, length): counts that cannot
            // fit are refused before anything is sized from them (up to 196,605 records, 2.4 MB).
            if (total > (length - questionEnd) / 11) {
                throw new IllegalArgumentException("upstream reply: " + total + " records cannot fit in its "
                        + (length - questionEnd) + " bytes after the question");
            }
            ttlOffsets = new int[total];
            ttls = new long[total];
            int authorityEnd = questionEnd;
            int optStart = -1;
            int optEnd = -1;
            int opts = 0;
            int pos = questionEnd;
            for (int i = 0; i < total; i++) {
                int start = pos;
                pos = Wire.skipName(reply, pos, length);
                if (pos < 0 || pos + 10 > length) {
                    throw new IllegalArgumentException("upstream reply: record " + i + " overruns the message at " + start);
                }
                int recordEnd = pos + 10 + u16(reply, pos + 8);
                if (recordEnd > length) {
                    throw new IllegalArgumentException("upstream reply: rdata of record " + i + " overruns the message");
                }
                if (i >= answers + authorities && u16(reply, pos) == TYPE_OPT) {
                    if (reply[pos + 4] != 0) {
                        // Its low 4 bits alone would say something else (BADCOOKIE 23 would read YXDOMAIN)
                        throw new IllegalArgumentException("upstream reply: extended rcode "
                                + ((reply[pos + 4] & 0xff) << 4 | (reply[3] & 0x0f)) + ", not passed on");
                    }
                    if (opts++ == 0) {
                        optStart = start;
                        optEnd = recordEnd;
                    }
                } else {
                    record(reply, pos, recordEnd, i < answers, i >= answers && i < answers + authorities);
                }
                pos = recordEnd;
                if (i == answers + authorities - 1) {
                    authorityEnd = pos;
                }
            }
            end = pos;
            if (opts == 1 && end == optEnd) {
                end = optStart; // the usual place: the OPT is the last record
                additionals--;
            } else if (opts > 0) {
                // An OPT amid the additional section: later records' pointers could point past it,
                // and the section is optional, so it is left out whole.
                end = authorityEnd;
                additionals = 0;
                kept = answers + authorities;
            }
        }

        private void record(byte[] reply, int pos, int recordEnd, boolean answer, boolean authority) {
            long ttl = u32(reply, pos + 4);
            if (ttl > SIGNED_MAX) {
                ttl = 0; // RFC 2181 8: a TTL with the top bit set is read as zero
            }
            if (answer) {
                minAnswerTtl = Math.min(minAnswerTtl, ttl);
            } else if (authority && u16(reply, pos) == TYPE_SOA && recordEnd - pos - 10 >= 22) {
                // RFC 2308 3: the denial lives min(SOA TTL, SOA MINIMUM), and the SOA's TTL says so
                ttl = Math.min(ttl, u32(reply, recordEnd - 4));
                negativeTtl = negativeTtl < 0 ? ttl : Math.min(negativeTtl, ttl);
            }
            ttlOffsets[kept] = pos + 4;
            ttls[kept++] = ttl;
        }
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
            if (WireName.lower(reply[i] & 0xff) != WireName.lower(query[i] & 0xff)) {
                throw new IllegalArgumentException("upstream reply: question differs from the query's at byte " + i);
            }
        }
    }
}
