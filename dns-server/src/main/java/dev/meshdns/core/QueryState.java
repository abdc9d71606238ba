package dev.meshdns.core;

import dev.meshdns.wire.Wire;

/**
 * What a reply needs to know about its query, packed into one {@code long} so that answering
 * allocates nothing. The layout, low bits first: the client cookie's offset in the query (0-15,
 * 0 when none), the end of the question (16-31), the EDNS payload size (32-47), the EDNS version
 * (48-55), recursion available to the client (59), TCP (60), DO (61), OPT malformed (62), OPT
 * present (63). Stateless.
 */
public final class QueryState {
    /** No OPT record in the query. */
    public static final long ABSENT = 0;
    /** The additional section is malformed (FORMERR). */
    public static final long MALFORMED = 1L << 62;

    static final long PRESENT = 1L << 63;
    static final long DO_BIT = 1L << 61;
    private static final long TCP = 1L << 60;
    private static final long RECURSION = 1L << 59;
    private static final int VERSION_SHIFT = 48;
    private static final int PAYLOAD_SHIFT = 32;
    private static final int QUESTION_END_SHIFT = 16;

    private QueryState() {
    }

    /** The EDNS bits of an OPT record as {@link Edns#parse} reads them. */
    static long edns(boolean dnssecOk, int version, int payloadBytes, int cookieOffset) {
        return PRESENT | (dnssecOk ? DO_BIT : 0) | ((long) (version & 0xff) << VERSION_SHIFT)
                | ((long) (payloadBytes & 0xffff) << PAYLOAD_SHIFT) | (cookieOffset & 0xffff);
    }

    /** The EDNS bits with where the question ends and the transport. */
    public static long of(long edns, int questionEnd, boolean tcp) {
        return edns | ((long) questionEnd << QUESTION_END_SHIFT) | (tcp ? TCP : 0);
    }

    /** The state of a query whose client may recurse: its replies say RA=1. */
    static long withRecursion(long state, boolean recursion) {
        return recursion ? state | RECURSION : state;
    }

    static boolean recursionAvailable(long state) {
        return (state & RECURSION) != 0;
    }

    public static boolean present(long state) {
        return (state & PRESENT) != 0;
    }

    public static boolean malformed(long state) {
        return (state & MALFORMED) != 0;
    }

    public static boolean dnssecOk(long state) {
        return (state & DO_BIT) != 0;
    }

    public static int version(long state) {
        return (int) (state >>> VERSION_SHIFT) & 0xff;
    }

    public static int payloadBytes(long state) {
        return (int) (state >>> PAYLOAD_SHIFT) & 0xffff;
    }

    /** Offset in the query of the client cookie's 8 bytes, or 0 when the query has no cookie. */
    public static int cookieOffset(long state) {
        return (int) (state & 0xffff);
    }

    public static int questionEnd(long state) {
        return (int) (state >>> QUESTION_END_SHIFT) & 0xffff;
    }

    public static boolean tcp(long state) {
        return (state & TCP) != 0;
    }

    /** Largest reply: any size over TCP; over UDP 512 without EDNS, else the client's payload within [512, 1232]. */
    public static int replyLimit(long state) {
        if (tcp(state)) {
            return Wire.MAX_MESSAGE;
        }
        if (!present(state)) {
            return Wire.UDP_MIN;
        }
        return Math.min(Wire.UDP_MAX, Math.max(Wire.UDP_MIN, payloadBytes(state)));
    }
}
