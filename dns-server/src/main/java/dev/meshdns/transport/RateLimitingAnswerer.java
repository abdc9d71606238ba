package dev.meshdns.transport;

import static dev.meshdns.wire.Wire.HEADER;
import static dev.meshdns.wire.Wire.TYPE_OPT;
import static dev.meshdns.wire.Wire.putU16;
import static dev.meshdns.wire.Wire.u16;

import dev.meshdns.admin.Metrics;
import dev.meshdns.wire.Wire;

/**
 * Applies a {@link ResponseRateLimiter} to the UDP replies of another {@link Answerer} that are
 * answered at once (the zone, cached forwarded names): a limited reply is dropped ({@link
 * Answerer#SUPPRESSED}) or slipped, rewritten in place as TC=1 with only its header, question and
 * OPT, so a real client retries over TCP. TCP replies, and forwarded replies that come later, pass
 * untouched. Allocates nothing. Thread-safe when the delegate is.
 */
final class RateLimitingAnswerer implements Answerer {
    private final Answerer delegate;
    private final ResponseRateLimiter limiter;
    private final Metrics metrics;

    RateLimitingAnswerer(Answerer delegate, ResponseRateLimiter limiter, Metrics metrics) {
        this.delegate = delegate;
        this.limiter = limiter;
        this.metrics = metrics;
    }

    @Override
    public int answer(byte[] query, int length, Client client, byte[] out) {
        int replyLength = delegate.answer(query, length, client, out);
        if (replyLength <= 0 || client.tcp()) {
            return replyLength;
        }
        switch (limiter.check(client.address(), client.arrivalNanos())) {
            case ResponseRateLimiter.SLIP:
                metrics.rateLimited(true);
                return truncated(out, replyLength);
            case ResponseRateLimiter.DROP:
                metrics.rateLimited(false);
                return SUPPRESSED;
            default:
                return replyLength;
        }
    }

    /**
     * Rewrites {@code reply[0..length)} as TC=1 with its header, question and OPT record (if it has
     * one) and returns the new length; a reply that does not walk cleanly keeps header and question.
     */
    static int truncated(byte[] reply, int length) {
        int end = HEADER;
        if (u16(reply, 4) == 1) {
            int nameEnd = Wire.skipName(reply, HEADER, length);
            end = nameEnd < 0 || nameEnd + 4 > length ? HEADER : nameEnd + 4;
        }
        int opt = end == HEADER ? -1 : optRecord(reply, end, length);
        int optLength = 0;
        if (opt >= 0) {
            optLength = 11 + u16(reply, opt + 9);
            System.arraycopy(reply, opt, reply, end, optLength);
        }
        reply[2] |= 0x02;
        putU16(reply, 4, end == HEADER ? 0 : 1);
        putU16(reply, 6, 0);
        putU16(reply, 8, 0);
        putU16(reply, 10, opt >= 0 ? 1 : 0);
        return end + optLength;
    }

    /** Where the OPT record (root owner, type 41) of the additional section starts, or -1. */
    private static int optRecord(byte[] reply, int pos, int length) {
        int records = u16(reply, 6) + u16(reply, 8);
        int additional = u16(reply, 10);
        for (int i = 0; i < records + additional; i++) {
            int nameEnd = Wire.skipName(reply, pos, length);
            if (nameEnd < 0 || nameEnd + 10 > length) {
                return -1;
            }
            int next = nameEnd + 10 + u16(reply, nameEnd + 8);
            if (next > length) {
                return -1;
            }
            if (i >= records && nameEnd == pos + 1 && u16(reply, nameEnd) == TYPE_OPT) {
                return pos;
            }
            pos = next;
        }
        return -1;
    }
}
