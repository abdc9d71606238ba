package dev.meshdns.core;

import java.net.InetAddress;
import java.util.function.LongSupplier;

/**
 * The sender of the query being answered, as DNS cookies need it: its address, the time (read only
 * for a query with a cookie), the server's {@link Cookies}, and the scratch bytes a cookie is hashed
 * in and answered from. One per thread (the transport keeps one per event loop), reused for every
 * query, so answering a cookie allocates nothing but the copy of a new client address's bytes.
 * Not thread-safe.
 */
public final class Requester {
    private final Cookies cookies;
    private final LongSupplier epochSeconds;
    /** Client cookie, version, reserved, timestamp, then the client's IP (4 or 16 bytes). */
    private final byte[] hashInput = new byte[16 + 16];
    private final byte[] replyCookie = new byte[Cookies.REPLY_BYTES];
    private InetAddress address = InetAddress.getLoopbackAddress();
    /** Whose bytes {@link #hashInput} holds. */
    private InetAddress hashed;
    private int ipLength;
    private boolean cookie;
    private boolean validCookie;

    /** {@code epochSeconds}: the wall clock in seconds since 1970 (RFC 9018 timestamps). */
    public Requester(Cookies cookies, LongSupplier epochSeconds) {
        this.cookies = cookies;
        this.epochSeconds = epochSeconds;
    }

    /** Sets the client of the next query; returns this. */
    public Requester client(InetAddress client) {
        address = client;
        return this;
    }

    /**
     * The COOKIE option value (client cookie and server cookie) the reply to the query just answered
     * carries, or null when that query had no COOKIE option. Valid until the next query; a reply
     * written later must copy it.
     */
    public byte[] replyCookie() {
        return cookie ? replyCookie : null;
    }

    Cookies cookies() {
        return cookies;
    }

    /**
     * True when the query just answered carried a valid server cookie (RFC 7873 5.2.5): its source
     * address is proven, e.g. for rate limiting to spare it.
     */
    public boolean validCookie() {
        return validCookie;
    }

    void answering(boolean withCookie, boolean valid) {
        cookie = withCookie;
        validCookie = valid;
    }

    long epochSeconds() {
        return epochSeconds.getAsLong();
    }

    /** Where {@link Cookies#answer} writes the reply's COOKIE option value. */
    byte[] replyCookieBytes() {
        return replyCookie;
    }

    byte[] hashInput() {
        return hashInput;
    }

    /** Bytes of {@link #hashInput} to hash: 16 and the client's IP, copied in when the client changed. */
    int hashInputLength() {
        if (hashed == null || !hashed.equals(address)) {
            byte[] ip = address.getAddress();
            System.arraycopy(ip, 0, hashInput, 16, ip.length);
            ipLength = ip.length;
            hashed = address;
        }
        return 16 + ipLength;
    }
}
