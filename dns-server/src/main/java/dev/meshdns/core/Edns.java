package dev.meshdns.core;

/**
 * Reads the additional section of a query for its EDNS(0) OPT record (RFC 6891) and COOKIE
 * option (RFC 7873), without allocating: the result is packed into one {@code long}. Stateless.
 */
final class Edns {
    static final int TYPE_OPT = 41;
    static final int OPTION_COOKIE = 10;
    static final int CLIENT_COOKIE_BYTES = 8;

    /** No OPT record in the query. */
    static final long ABSENT = 0;
    /** The additional section is malformed (FORMERR). */
    static final long MALFORMED = 1L << 62;

    private static final long PRESENT = 1L << 63;
    private static final long DO_BIT = 1L << 61;

    private Edns() {
    }

    static boolean present(long edns) {
        return (edns & PRESENT) != 0;
    }

    static boolean dnssecOk(long edns) {
        return (edns & DO_BIT) != 0;
    }

    static int version(long edns) {
        return (int) (edns >>> 48) & 0xff;
    }

    static int payloadBytes(long edns) {
        return (int) (edns >>> 32) & 0xffff;
    }

    /** Offset in the query of the client cookie's 8 bytes, or 0 when the query has no cookie. */
    static int cookieOffset(long edns) {
        return (int) (edns & 0xffff);
    }

    /**
     * Parses {@code count} records starting at {@code pos}. Owner names may be compressed only
     * with pointers that point strictly backwards.
     */
    static long parse(byte[] q, int pos, int length, int count) {
        long result = ABSENT;
        for (int i = 0; i < count; i++) {
            int nameStart = pos;
            pos = skipName(q, pos, length);
            if (pos < 0 || pos + 10 > length) {
                return MALFORMED;
            }
            int type = u16(q, pos);
            int rdlength = u16(q, pos + 8);
            int rdata = pos + 10;
            if (rdata + rdlength > length) {
                return MALFORMED;
            }
            if (type == TYPE_OPT) {
                if (present(result) || pos != nameStart + 1) {
                    return MALFORMED;
                }
                result = opt(q, pos, rdata, rdlength);
                if (result == MALFORMED) {
                    return MALFORMED;
                }
            }
            pos = rdata + rdlength;
        }
        return result;
    }

    private static long opt(byte[] q, int pos, int rdata, int rdlength) {
        long payload = u16(q, pos + 2);
        long version = q[pos + 5] & 0xff;
        boolean dnssecOk = (q[pos + 6] & 0x80) != 0;
        long cookie = 0;
        int end = rdata + rdlength;
        for (int o = rdata; o < end; ) {
            if (o + 4 > end) {
                return MALFORMED;
            }
            int code = u16(q, o);
            int len = u16(q, o + 2);
            if (o + 4 + len > end) {
                return MALFORMED;
            }
            if (code == OPTION_COOKIE) {
                // RFC 7873 5.2.2: a client cookie alone (8) or with a server cookie of 8 to 32 bytes.
                if (cookie != 0 || !(len == CLIENT_COOKIE_BYTES || (len >= 16 && len <= 40))) {
                    return MALFORMED;
                }
                cookie = o + 4;
            }
            o += 4 + len;
        }
        return PRESENT | (dnssecOk ? DO_BIT : 0) | (version << 48) | (payload << 32) | cookie;
    }

    /** Skips a possibly compressed name; -1 when malformed. */
    private static int skipName(byte[] q, int pos, int length) {
        int start = pos;
        while (pos < length) {
            int len = q[pos] & 0xff;
            if (len == 0) {
                return pos + 1;
            }
            if ((len & 0xC0) == 0xC0) {
                if (pos + 1 >= length) {
                    return -1;
                }
                int target = ((len & 0x3F) << 8) | (q[pos + 1] & 0xff);
                return target < start && target >= 12 ? pos + 2 : -1;
            }
            if (len > 63 || pos + 1 + len - start > 255) {
                return -1;
            }
            pos += 1 + len;
        }
        return -1;
    }

    static int u16(byte[] b, int pos) {
        return ((b[pos] & 0xff) << 8) | (b[pos + 1] & 0xff);
    }
}
