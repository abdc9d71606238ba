package dev.meshdns.table;

import dev.meshdns.wire.Wire;
import java.nio.ByteBuffer;

/** Resource records in wire form, built once per table. Stateless and thread-safe. */
final class Records {
    /** Owner name as a compression pointer to the question name, which always starts at offset 12. */
    private static final byte[] QUESTION_POINTER = {(byte) 0xC0, Wire.QUESTION};

    private Records() {
    }

    /** A record owned by the question name: pointer, type, class IN, TTL, RDATA. */
    static byte[] rr(int type, int ttlSeconds, byte[] rdata) {
        return withOwner(QUESTION_POINTER, type, ttlSeconds, rdata);
    }

    /** A record with the owner written out in full (used where the owner is not the question name). */
    static byte[] withOwner(byte[] owner, int type, int ttlSeconds, byte[] rdata) {
        return ByteBuffer.allocate(owner.length + 10 + rdata.length)
                .put(owner)
                .putShort((short) type)
                .putShort((short) Wire.CLASS_IN)
                .putInt(ttlSeconds)
                .putShort((short) rdata.length)
                .put(rdata)
                .array();
    }

    /** SOA RDATA; the negative-caching TTL (MINIMUM) equals the answer TTL. */
    static byte[] soaRdata(byte[] mname, byte[] rname, long serial, int ttlSeconds) {
        return ByteBuffer.allocate(mname.length + rname.length + 20)
                .put(mname)
                .put(rname)
                .putInt((int) serial)
                .putInt(3600)
                .putInt(600)
                .putInt(86400)
                .putInt(ttlSeconds)
                .array();
    }
}
