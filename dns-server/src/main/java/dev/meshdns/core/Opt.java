package dev.meshdns.core;

import static dev.meshdns.wire.Wire.putU16;

import dev.meshdns.wire.Wire;
import java.security.SecureRandom;

/**
 * The OPT record of a reply (RFC 6891): version 0, payload 1232, DO copied, the extended RCODE,
 * the COOKIE option (RFC 7873) when the query sent one, and an Extended DNS Error (RFC 8914)
 * explaining a SERVFAIL. Stateless and thread-safe.
 */
public final class Opt {
    private static final int SERVER_COOKIE_BYTES = 8;
    private static final int COOKIE_OPTION_BYTES = 4 + Edns.CLIENT_COOKIE_BYTES + SERVER_COOKIE_BYTES;
    /** Key of the server cookie, new each process; cookies are not yet checked, only handed out. */
    private static final long SECRET = new SecureRandom().nextLong();

    private Opt() {
    }

    /** Bytes of the OPT record {@link #write} writes. */
    public static int size(int cookieOffset, byte[] extendedError) {
        return 11 + (cookieOffset != 0 ? COOKIE_OPTION_BYTES : 0) + (extendedError != null ? extendedError.length : 0);
    }

    /** Writes the OPT at {@code pos}; returns the position after it. */
    public static int write(byte[] out, int pos, int rcode, boolean dnssecOk, byte[] query, int cookieOffset,
                     byte[] extendedError) {
        out[pos] = 0; // root owner
        putU16(out, pos + 1, Wire.TYPE_OPT);
        putU16(out, pos + 3, Wire.UDP_MAX);
        out[pos + 5] = (byte) (rcode >>> 4);
        out[pos + 6] = 0; // version
        out[pos + 7] = (byte) (dnssecOk ? 0x80 : 0);
        out[pos + 8] = 0;
        int rdlength = size(cookieOffset, extendedError) - 11;
        putU16(out, pos + 9, rdlength);
        pos += 11;
        if (cookieOffset != 0) {
            putU16(out, pos, Edns.OPTION_COOKIE);
            putU16(out, pos + 2, Edns.CLIENT_COOKIE_BYTES + SERVER_COOKIE_BYTES);
            System.arraycopy(query, cookieOffset, out, pos + 4, Edns.CLIENT_COOKIE_BYTES);
            long server = serverCookie(query, cookieOffset);
            for (int i = 0; i < SERVER_COOKIE_BYTES; i++) {
                out[pos + 12 + i] = (byte) (server >>> (56 - 8 * i));
            }
            pos += COOKIE_OPTION_BYTES;
        }
        if (extendedError != null) {
            System.arraycopy(extendedError, 0, out, pos, extendedError.length);
            pos += extendedError.length;
        }
        return pos;
    }

    /** A keyed mix (splitmix64 finalizer) of the client cookie. */
    private static long serverCookie(byte[] query, int offset) {
        long z = SECRET;
        for (int i = 0; i < Edns.CLIENT_COOKIE_BYTES; i++) {
            z = (z << 8) ^ (query[offset + i] & 0xff) ^ (z >>> 56);
        }
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
