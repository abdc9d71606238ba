package dev.meshdns.forward;

import static dev.meshdns.wire.Wire.putU16;
import static dev.meshdns.wire.Wire.u16;

import dev.meshdns.core.Opt;
import dev.meshdns.core.QueryState;
import dev.meshdns.wire.Wire;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * The wire side of an upstream query (RFC 5452): the query we send for a client's query (a fresh
 * unpredictable ID, the client's question as sent, RD=1, the client's CD, an OPT with payload 1232
 * and the client's DO), the health probe {@code . IN NS}, and the check that a reply answers it.
 * Stateless; the random IDs come from one SecureRandom per thread.
 */
final class UpstreamQuery {
    static final int FLAG_QR = 0x80;
    static final int FLAG_TC = 0x02;
    static final int FLAG_RD = 0x01;
    static final int FLAG_CD = 0x10;
    static final int FLAG_RA = 0x80;
    private static final int OPT_BYTES = Opt.size(null, null);
    /** Header, root name, type NS, class IN. */
    private static final int PROBE_BYTES = Wire.HEADER + 5;
    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(UpstreamQuery::newRandom);

    private UpstreamQuery() {
    }

    /** The upstream query for the client's {@code query} with its {@code state}. */
    static byte[] of(byte[] query, long state) {
        int questionEnd = QueryState.questionEnd(state);
        byte[] out = new byte[questionEnd + OPT_BYTES];
        putU16(out, 0, RANDOM.get().nextInt(1 << 16));
        out[2] = FLAG_RD; // opcode QUERY
        out[3] = (byte) (query[3] & FLAG_CD);
        putU16(out, 4, 1);
        putU16(out, 10, 1);
        System.arraycopy(query, Wire.QUESTION, out, Wire.QUESTION, questionEnd - Wire.QUESTION);
        // No COOKIE: it is hop-by-hop (RFC 7873), the client's cookie is for us, never for upstream.
        Opt.write(out, questionEnd, Wire.NOERROR, QueryState.dnssecOk(state), null, null);
        return out;
    }

    /** {@code . IN NS} with RD=1 and a fresh ID: the probe of a down upstream. */
    static byte[] probe() {
        byte[] out = new byte[PROBE_BYTES];
        putU16(out, 0, RANDOM.get().nextInt(1 << 16));
        out[2] = FLAG_RD;
        putU16(out, 4, 1);
        out[Wire.QUESTION] = 0;
        putU16(out, Wire.QUESTION + 1, Wire.TYPE_NS);
        putU16(out, Wire.QUESTION + 3, Wire.CLASS_IN);
        return out;
    }

    /** Where the question of a query built here ends. */
    static int questionEnd(byte[] sent) {
        int pos = Wire.QUESTION;
        while (sent[pos] != 0) {
            pos += 1 + (sent[pos] & 0xff);
        }
        return pos + 5;
    }

    /**
     * Whether {@code reply} answers {@code sent}: long enough, QR=1, the same ID, one question
     * with the same name (ASCII case-insensitive, RFC 4343), type and class. Anything else may be
     * spoofed and is to be dropped.
     */
    static boolean answers(byte[] sent, int sentQuestionEnd, byte[] reply, int length) {
        if (length < sentQuestionEnd || (reply[2] & FLAG_QR) == 0 || u16(reply, 0) != u16(sent, 0)
                || u16(reply, 4) != 1) {
            return false;
        }
        int nameEnd = sentQuestionEnd - 4;
        for (int i = Wire.QUESTION; i < nameEnd; i++) {
            // Length bytes are at most 63, so folding A-Z never changes one; the name's layout matches byte for byte.
            if (fold(sent[i]) != fold(reply[i])) {
                return false;
            }
        }
        for (int i = nameEnd; i < sentQuestionEnd; i++) {
            if (sent[i] != reply[i]) {
                return false;
            }
        }
        return true;
    }

    static int rcode(byte[] reply) {
        return reply[3] & 0x0f;
    }

    static boolean truncated(byte[] reply) {
        return (reply[2] & FLAG_TC) != 0;
    }

    private static int fold(byte b) {
        return b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
    }

    private static SecureRandom newRandom() {
        try {
            return SecureRandom.getInstance("DRBG"); // seeded from the system's entropy, no lock shared between threads
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }
}
