package dev.meshdns.forward;

import static dev.meshdns.wire.Wire.HEADER;

import dev.meshdns.core.QueryState;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The answer cache's key: the question's wire name folded to lower case, its type and class, and
 * the query's DO and CD bits, in one byte array with its hash computed once. A stored key never
 * changes; the mutable lookup form ({@link #lookupForm}, one per thread) is refilled per query so
 * that a lookup allocates nothing, and equals every stored key of the same question.
 */
final class CacheKey {
    /** A name of at most 255 bytes, type, class and the flags byte, padded to whole longs for the hash. */
    private static final int MAX_BYTES = 264;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int DO_FLAG = 1;
    private static final int CD_FLAG = 2;

    private final byte[] bytes;
    private int length;
    private int hash;

    private CacheKey(byte[] bytes, int length, int hash) {
        this.bytes = bytes;
        this.length = length;
        this.hash = hash;
    }

    /** A key to store, for the question of {@code query}. */
    static CacheKey of(byte[] query, long state) {
        CacheKey form = lookupForm().set(query, state);
        return new CacheKey(Arrays.copyOf(form.bytes, form.length), form.length, form.hash);
    }

    /** An empty mutable key for {@link #set}; to be confined to one thread. */
    static CacheKey lookupForm() {
        return new CacheKey(new byte[MAX_BYTES], 0, 0);
    }

    /** Refills this lookup form with the question of {@code query} (its name is not compressed). */
    CacheKey set(byte[] query, long state) {
        int questionBytes = QueryState.questionEnd(state) - HEADER;
        int i = 0;
        for (; i + Long.BYTES <= questionBytes; i += Long.BYTES) {
            LONGS.set(bytes, i, lowerCase((long) LONGS.get(query, HEADER + i)));
        }
        for (; i < questionBytes; i++) {
            bytes[i] = (byte) lowerCase(query[HEADER + i]);
        }
        for (i = questionBytes - 4; i < questionBytes; i++) {
            bytes[i] = query[HEADER + i]; // type and class are numbers: 0x0041 (HTTPS) is not 0x0061
        }
        bytes[questionBytes] = (byte) ((QueryState.dnssecOk(state) ? DO_FLAG : 0) | ((query[3] & 0x10) != 0 ? CD_FLAG : 0));
        length = questionBytes + 1;
        int padded = (length + Long.BYTES - 1) & -Long.BYTES;
        for (i = length; i < padded; i++) {
            bytes[i] = 0;
        }
        long h = length;
        for (i = 0; i < padded; i += Long.BYTES) {
            h = Long.rotateLeft((h ^ (long) LONGS.get(bytes, i)) * 0x9E3779B97F4A7C15L, 29);
        }
        hash = (int) (h ^ (h >>> 32));
        return this;
    }

    /**
     * ASCII upper case to lower case in eight bytes at once (label lengths are at most 63, so they
     * are never folded): a byte is folded when its low seven bits are in 'A'-'Z' and its top bit is clear.
     */
    private static long lowerCase(long w) {
        long low7 = w & 0x7F7F7F7F7F7F7F7FL;
        long atLeastA = low7 + 0x3F3F3F3F3F3F3F3FL; // top bit set when >= 0x41
        long pastZ = low7 + 0x2525252525252525L; // top bit set when >= 0x5B
        long upper = atLeastA & ~pastZ & ~w & 0x8080808080808080L;
        return w | (upper >>> 2);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CacheKey k && k.hash == hash && Arrays.equals(bytes, 0, length, k.bytes, 0, k.length);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
