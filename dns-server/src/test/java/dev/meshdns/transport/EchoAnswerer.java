package dev.meshdns.transport;

import dev.meshdns.core.Resolver;

/**
 * A stand-in for the resolver in framing tests: replies with the query itself, QR set, and drops
 * queries whose ID is 0xFFFF. Counts calls. Not thread-safe (tests run on one thread).
 */
final class EchoAnswerer implements Answerer {
    int calls;

    @Override
    public int answer(byte[] query, int length, Client client, byte[] out) {
        calls++;
        if ((query[0] & 0xFF) == 0xFF && (query[1] & 0xFF) == 0xFF) {
            return Resolver.DROP;
        }
        System.arraycopy(query, 0, out, 0, length);
        out[2] |= (byte) 0x80;
        return length;
    }

    /** A 12-byte header-only query with this ID (QR=0, QDCOUNT=0: enough for framing tests). */
    static byte[] query(int id) {
        byte[] query = new byte[12];
        query[0] = (byte) (id >> 8);
        query[1] = (byte) id;
        query[5] = 1;
        return query;
    }
}
