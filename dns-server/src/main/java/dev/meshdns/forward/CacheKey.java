package dev.meshdns.forward;

import static dev.meshdns.wire.Wire.HEADER;

import dev.meshdns.core.QueryState;
import java.util.Arrays;

/**
 * The answer cache's key: the question's wire name folded to lower case, its type and class, and
 * the query's DO and CD bits, in one byte array with its hash computed once. A stored key never
 * changes; the mutable lookup form ({@link #lookupForm}, one per thread) is refilled per query so
 * that a lookup allocates nothing, and equals every stored key of the same question.
 */
final class CacheKey {
    /** A name of at most 255 bytes, type, class and the flags byte. */
    private static final int MAX_BYTES = 255 + 5;
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
        int nameBytes = questionBytes - 4;
        int h = 1;
        for (int i = 0; i < questionBytes; i++) {
            byte b = query[HEADER + i];
            if (i < nameBytes && b >= 'A' && b <= 'Z') {
                b += 'a' - 'A'; // label lengths are at most 63, so they are never folded
            }
            bytes[i] = b;
            h = 31 * h + b;
        }
        byte flags = (byte) ((QueryState.dnssecOk(state) ? DO_FLAG : 0) | ((query[3] & 0x10) != 0 ? CD_FLAG : 0));
        bytes[questionBytes] = flags;
        length = questionBytes + 1;
        hash = 31 * h + flags;
        return this;
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
