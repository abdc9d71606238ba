package dev.meshdns.core;

import static dev.meshdns.wire.Wire.u16;

import dev.meshdns.wire.Wire;

/**
 * Reads the additional section of a query for its EDNS(0) OPT record (RFC 6891) and COOKIE
 * option (RFC 7873), without allocating: the result is the EDNS part of a {@link QueryState}.
 * Stateless.
 */
public final class Edns {
    static final int OPTION_COOKIE = 10;
    static final int CLIENT_COOKIE_BYTES = 8;

    private Edns() {
    }

    /**
     * Parses {@code count} records starting at {@code pos} into the EDNS bits of a {@link
     * QueryState} ({@link QueryState#ABSENT} without an OPT, {@link QueryState#MALFORMED}). Owner
     * names may be compressed only with pointers that point strictly backwards.
     */
    public static long parse(byte[] q, int pos, int length, int count) {
        long result = QueryState.ABSENT;
        for (int i = 0; i < count; i++) {
            int nameStart = pos;
            pos = Wire.skipName(q, pos, length);
            if (pos < 0 || pos + 10 > length) {
                return QueryState.MALFORMED;
            }
            int type = u16(q, pos);
            int rdlength = u16(q, pos + 8);
            int rdata = pos + 10;
            if (rdata + rdlength > length) {
                return QueryState.MALFORMED;
            }
            if (type == Wire.TYPE_OPT) {
                if (QueryState.present(result) || pos != nameStart + 1) {
                    return QueryState.MALFORMED;
                }
                result = opt(q, pos, rdata, rdlength);
                if (result == QueryState.MALFORMED) {
                    return QueryState.MALFORMED;
                }
            }
            pos = rdata + rdlength;
        }
        return result;
    }

    private static long opt(byte[] q, int pos, int rdata, int rdlength) {
        int payload = u16(q, pos + 2);
        int version = q[pos + 5] & 0xff;
        boolean dnssecOk = (q[pos + 6] & 0x80) != 0;
        int cookie = 0;
        int end = rdata + rdlength;
        for (int o = rdata; o < end; ) {
            if (o + 4 > end) {
                return QueryState.MALFORMED;
            }
            int code = u16(q, o);
            int len = u16(q, o + 2);
            if (o + 4 + len > end) {
                return QueryState.MALFORMED;
            }
            if (code == OPTION_COOKIE) {
                // RFC 7873 5.2.2: a client cookie alone (8) or with a server cookie of 8 to 32 bytes.
                if (cookie != 0 || !(len == CLIENT_COOKIE_BYTES || (len >= 16 && len <= 40))) {
                    return QueryState.MALFORMED;
                }
                cookie = o + 4;
            }
            o += 4 + len;
        }
        return QueryState.edns(dnssecOk, version, payload, cookie);
    }
}
