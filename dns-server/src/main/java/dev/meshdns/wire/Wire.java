package dev.meshdns.wire;

/**
 * The DNS wire format's numbers (RFC 1035, 3596, 6891), and big-endian reads and writes of
 * 16- and 32-bit fields in a byte array: the one place the answering core, the table builders
 * and the forwarder take them from. Stateless.
 */
public final class Wire {
    /** Length of the message header. */
    public static final int HEADER = 12;
    /** The question name always starts right after the header: the target of a 0xC00C pointer. */
    public static final int QUESTION = HEADER;

    public static final int TYPE_A = 1;
    public static final int TYPE_NS = 2;
    public static final int TYPE_SOA = 6;
    public static final int TYPE_PTR = 12;
    public static final int TYPE_AAAA = 28;
    public static final int TYPE_OPT = 41;
    public static final int TYPE_IXFR = 251;
    public static final int TYPE_AXFR = 252;
    public static final int TYPE_ANY = 255;
    public static final int CLASS_IN = 1;

    public static final int NOERROR = 0;
    public static final int FORMERR = 1;
    public static final int SERVFAIL = 2;
    public static final int NXDOMAIN = 3;
    public static final int NOTIMP = 4;
    public static final int REFUSED = 5;
    /** Extended RCODE 16 (RFC 6891): the upper 8 bits travel in the OPT record. */
    public static final int BADVERS = 16;
    /** RFC 7873: extended RCODE 23, a server cookie is required (header 7, OPT's upper bits 1). */
    public static final int BADCOOKIE = 23;

    /** Largest UDP reply without EDNS. */
    public static final int UDP_MIN = 512;
    /** Largest UDP reply we send and the payload size we advertise (DNS Flag Day 2020). */
    public static final int UDP_MAX = 1232;
    /** Largest DNS message: the limit of TCP's 2-byte length prefix. */
    public static final int MAX_MESSAGE = 65535;

    private Wire() {
    }

    public static int u16(byte[] b, int pos) {
        return ((b[pos] & 0xff) << 8) | (b[pos + 1] & 0xff);
    }

    public static void putU16(byte[] b, int pos, int value) {
        b[pos] = (byte) (value >>> 8);
        b[pos + 1] = (byte) value;
    }

    /** An unsigned 32-bit field, such as a TTL. */
    public static long u32(byte[] b, int pos) {
        return ((long) u16(b, pos) << 16) | u16(b, pos + 2);
    }

    public static void putU32(byte[] b, int pos, long value) {
        putU16(b, pos, (int) (value >>> 16));
        putU16(b, pos + 2, (int) value);
    }

    /**
     * The RCODE of {@code reply[0..length)} with the extended bits of its OPT record (RFC 6891),
     * e.g. 16 BADVERS, 23 BADCOOKIE. Only a reply of at most a question and one OPT record, the
     * shape those two have, is walked; any other reply's RCODE is its header's 4 bits.
     */
    public static int fullRcode(byte[] reply, int length) {
        int rcode = reply[3] & 0x0f;
        if (length < HEADER || u16(reply, 6) != 0 || u16(reply, 8) != 0 || u16(reply, 10) != 1 || u16(reply, 4) > 1) {
            return rcode;
        }
        int pos = HEADER;
        if (u16(reply, 4) == 1) {
            pos = skipName(reply, pos, length);
            if (pos < 0) {
                return rcode;
            }
            pos += 4;
        }
        if (pos + 11 > length || reply[pos] != 0 || u16(reply, pos + 1) != TYPE_OPT) {
            return rcode;
        }
        return (reply[pos + 5] & 0xff) << 4 | rcode;
    }

    /**
     * The end of the possibly compressed name at {@code pos}, or -1 when it is malformed: a label
     * over 63 bytes, a name over 255, or a compression pointer that does not point strictly
     * backwards into the message (so a loop is impossible).
     */
    public static int skipName(byte[] b, int pos, int length) {
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
