package dev.meshdns.core;

import static dev.meshdns.wire.Wire.u16;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * The server side of DNS cookies (RFC 7873) with interoperable server cookies (RFC 9018): version
 * 1, three reserved bytes, a 32-bit timestamp and SipHash-2-4 over client cookie, version,
 * reserved, timestamp and client IP, keyed with a secret that replicas behind one address share.
 * The first secret makes cookies; every secret (the previous one during a rotation) verifies them.
 * A server cookie is valid from 5 minutes in the future to 1 hour in the past. Immutable and
 * thread-safe; the per-query work uses the caller's {@link Requester} and allocates nothing.
 */
public final class Cookies {
    /** Bytes of a secret (a SipHash-2-4 key). */
    public static final int SECRET_BYTES = 16;
    /** At most this many secrets: the current one and the previous one of a rotation. */
    public static final int MAX_SECRETS = 2;
    static final int CLIENT_BYTES = 8;
    /** A server cookie of RFC 9018: version, reserved, timestamp, hash. */
    static final int SERVER_BYTES = 16;
    /** The COOKIE option value of a reply: the client cookie and our server cookie. */
    static final int REPLY_BYTES = CLIENT_BYTES + SERVER_BYTES;
    private static final int VERSION = 1;
    private static final int MAX_AGE_SECONDS = 3600;
    private static final int MAX_FUTURE_SECONDS = 300;

    /** k0, k1 of each secret, the cookie-making one first. */
    private final long[] keys;
    private final boolean required;

    private Cookies(long[] keys, boolean required) {
        this.keys = keys;
        this.required = required;
    }

    /**
     * Cookies keyed with {@code secrets} (1 to {@link #MAX_SECRETS} of {@link #SECRET_BYTES} each,
     * the first makes cookies); {@code required}: a UDP query without a valid server cookie is
     * answered BADCOOKIE (RFC 7873 5.2.3 choice 2), else it is answered normally.
     */
    public static Cookies of(List<byte[]> secrets, boolean required) {
        if (secrets.isEmpty() || secrets.size() > MAX_SECRETS) {
            throw new IllegalArgumentException("1 to " + MAX_SECRETS + " cookie secrets, got " + secrets.size());
        }
        long[] keys = new long[2 * secrets.size()];
        for (int i = 0; i < secrets.size(); i++) {
            byte[] secret = secrets.get(i);
            if (secret.length != SECRET_BYTES) {
                throw new IllegalArgumentException("a cookie secret has " + SECRET_BYTES + " bytes, got "
                        + secret.length);
            }
            keys[2 * i] = SipHash.key(secret, 0);
            keys[2 * i + 1] = SipHash.key(secret, 8);
        }
        return new Cookies(keys, required);
    }

    /** Cookies with a random secret of this process (cookies of other processes do not verify). */
    public static Cookies random(boolean required) {
        byte[] secret = new byte[SECRET_BYTES];
        new SecureRandom().nextBytes(secret);
        List<byte[]> secrets = new ArrayList<>(1);
        secrets.add(secret);
        return of(secrets, required);
    }

    /** True when a UDP query without a valid server cookie gets BADCOOKIE instead of an answer. */
    public boolean required() {
        return required;
    }

    /**
     * Whether the COOKIE option whose client cookie is at {@code clientOffset} in {@code query}
     * carries a server cookie this server made (with any of its secrets) for this client cookie
     * and the requester's address, and it is not too old or too far in the future.
     */
    boolean valid(byte[] query, int clientOffset, Requester requester) {
        int serverLength = u16(query, clientOffset - 2) - CLIENT_BYTES;
        if (serverLength != SERVER_BYTES || query[clientOffset + CLIENT_BYTES] != VERSION) {
            return false;
        }
        int timestamp = u32(query, clientOffset + 12);
        int age = (int) requester.epochSeconds() - timestamp; // serial number arithmetic (RFC 1982)
        if (age > MAX_AGE_SECONDS || age < -MAX_FUTURE_SECONDS) {
            return false;
        }
        byte[] input = requester.hashInput();
        System.arraycopy(query, clientOffset, input, 0, CLIENT_BYTES + 8);
        int length = requester.hashInputLength();
        long received = SipHash.littleEndian(query, clientOffset + 16, 8);
        boolean match = false;
        for (int i = 0; i < keys.length; i += 2) {
            match |= SipHash.hash(keys[i], keys[i + 1], input, 0, length) == received;
        }
        return match;
    }

    /**
     * Writes the COOKIE option value of the reply into the requester (its {@link Requester#replyCookie}): the client
     * cookie at {@code clientOffset} of {@code query} and a fresh server cookie (timestamp now,
     * reserved bytes zero) made with the first secret. A new one on every reply: RFC 9018 allows it,
     * and it spares telling a fresh cookie from one to renew.
     */
    void answer(byte[] query, int clientOffset, Requester requester) {
        byte[] input = requester.hashInput();
        System.arraycopy(query, clientOffset, input, 0, CLIENT_BYTES);
        long now = requester.epochSeconds();
        input[8] = VERSION;
        input[9] = 0;
        input[10] = 0;
        input[11] = 0;
        input[12] = (byte) (now >>> 24);
        input[13] = (byte) (now >>> 16);
        input[14] = (byte) (now >>> 8);
        input[15] = (byte) now;
        long hash = SipHash.hash(keys[0], keys[1], input, 0, requester.hashInputLength());
        byte[] reply = requester.replyCookieBytes();
        System.arraycopy(input, 0, reply, 0, CLIENT_BYTES + 8);
        for (int i = 0; i < 8; i++) {
            reply[16 + i] = (byte) (hash >>> (8 * i));
        }
    }

    private static int u32(byte[] b, int pos) {
        return (b[pos] & 0xff) << 24 | (b[pos + 1] & 0xff) << 16 | (b[pos + 2] & 0xff) << 8 | (b[pos + 3] & 0xff);
    }
}
