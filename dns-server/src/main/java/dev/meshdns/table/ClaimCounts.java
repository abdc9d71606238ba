package dev.meshdns.table;

/**
 * How many claims each name has, by a 64-bit hash of its wire form, in open addressing over two
 * primitive arrays: a full build counts every name first, so only names claimed more than once
 * (or colliding in 64 bits, which only costs the slower exact path) need an object per claim.
 * Not thread-safe; one per build.
 */
final class ClaimCounts {
    private long[] keys;
    private int[] counts;
    private int size;
    private boolean shared;

    ClaimCounts(int expected) {
        int capacity = Integer.highestOneBit(Math.max(8, expected + expected / 2)) << 1;
        keys = new long[capacity];
        counts = new int[capacity];
    }

    /** A 64-bit hash of the wire name (FNV-1a, mixed); never 0, the empty slot. */
    static long hash(byte[] wire) {
        return hash(wire, 0, wire.length);
    }

    /** {@link #hash(byte[])} of the wire name {@code bytes[from..to)}. */
    static long hash(byte[] bytes, int from, int to) {
        long h = 0xcbf29ce484222325L;
        for (int i = from; i < to; i++) {
            h = (h ^ (bytes[i] & 0xff)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h == 0 ? 1 : h;
    }

    void add(long hash, int claims) {
        int slot = slotOf(hash);
        shared |= keys[slot] != 0;
        if (keys[slot] == 0) {
            keys[slot] = hash;
            if (++size * 4L > keys.length * 3L) {
                counts[slot] = claims;
                grow();
                return;
            }
        }
        counts[slot] += claims;
    }

    /**
     * True once a hash was added twice: some name has more than one claim (an apex's own count of
     * two aside), or two names share a hash. False, as for nearly every catalog, every name goes to
     * its one claimer with no lookup.
     */
    boolean anyShared() {
        return shared;
    }

    /** Claims counted for the hash; 0 when none. */
    int get(long hash) {
        return counts[slotOf(hash)];
    }

    private int slotOf(long hash) {
        int mask = keys.length - 1;
        for (int slot = (int) hash & mask; ; slot = (slot + 1) & mask) {
            if (keys[slot] == 0 || keys[slot] == hash) {
                return slot;
            }
        }
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldCounts = counts;
        keys = new long[oldKeys.length * 2];
        counts = new int[oldKeys.length * 2];
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != 0) {
                int slot = slotOf(oldKeys[i]);
                keys[slot] = oldKeys[i];
                counts[slot] = oldCounts[i];
            }
        }
    }
}
