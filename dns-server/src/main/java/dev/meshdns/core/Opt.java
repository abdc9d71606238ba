package dev.meshdns.core;

import static dev.meshdns.wire.Wire.putU16;

import dev.meshdns.wire.Wire;

/**
 * The OPT record of a reply (RFC 6891): version 0, payload 1232, DO copied, the extended RCODE,
 * the COOKIE option (RFC 7873: the client cookie and our server cookie, as {@link Cookies} made
 * them) when the query sent one, and an Extended DNS Error (RFC 8914) explaining a SERVFAIL.
 * Stateless and thread-safe.
 */
public final class Opt {
    private Opt() {
    }

    /** Bytes of the OPT record {@link #write} writes. */
    public static int size(byte[] cookie, byte[] extendedError) {
        return 11 + (cookie != null ? 4 + Cookies.REPLY_BYTES : 0) + (extendedError != null ? extendedError.length : 0);
    }

    /**
     * Writes the OPT at {@code pos}; returns the position after it. {@code cookie}: the COOKIE
     * option value ({@link Requester#replyCookie}), or null for none.
     */
    public static int write(byte[] out, int pos, int rcode, boolean dnssecOk, byte[] cookie, byte[] extendedError) {
        out[pos] = 0; // root owner
        putU16(out, pos + 1, Wire.TYPE_OPT);
        putU16(out, pos + 3, Wire.UDP_MAX);
        out[pos + 5] = (byte) (rcode >>> 4);
        out[pos + 6] = 0; // version
        out[pos + 7] = (byte) (dnssecOk ? 0x80 : 0);
        out[pos + 8] = 0;
        int rdlength = size(cookie, extendedError) - 11;
        putU16(out, pos + 9, rdlength);
        pos += 11;
        if (cookie != null) {
            putU16(out, pos, Edns.OPTION_COOKIE);
            putU16(out, pos + 2, Cookies.REPLY_BYTES);
            System.arraycopy(cookie, 0, out, pos + 4, Cookies.REPLY_BYTES);
            pos += 4 + Cookies.REPLY_BYTES;
        }
        if (extendedError != null) {
            System.arraycopy(extendedError, 0, out, pos, extendedError.length);
            pos += extendedError.length;
        }
        return pos;
    }
}
