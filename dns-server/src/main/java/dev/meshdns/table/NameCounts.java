package dev.meshdns.table;

import java.util.Arrays;

/**
 * A positive count per lower-case wire name, by open addressing (linear probing) over three
 * arrays: a name costs a slot in each, not a map entry, a key object and a boxed count. A count
 * that falls to zero or below removes its name. Keys are held by reference: do not modify them.
 * Not thread-safe.
 */
final class NameCounts {
    private byte[][] keys;
    private int[] hashes;
    private int[] counts;
    private int size;

    /** Room for {@code expected} names before the arrays grow. */
    NameCounts(int expected) {
        int capacity = Integer.highestOneBit(Math.max(8, expected * 3 / 2)) << 1;
        keys = new byte[capacity][];
        hashes = new int[capacity];
        counts = new int[capacity];
    }

    int size() {
        return size;
    }

    /** The name's count, 0 when it has none. */
    int get(byte[] wire) {
        int slot = slotOf(wire, WireName.hash(wire, 0, wire.length));
        return keys[slot] == null ? 0 : counts[slot];
    }

    /** Adds {@code delta} to the name's count; a count at zero or below removes the name. */
    void add(byte[] wire, int delta) {
        int hash = WireName.hash(wire, 0, wire.length);
        int slot = slotOf(wire, hash);
        if (keys[slot] != null) {
            counts[slot] += delta;
            if (counts[slot] <= 0) {
                delete(slot);
            }
            return;
        }
        if (delta <= 0) {
            return;
        }
        if ((size + 1) * 3 > keys.length * 2) {
            grow();
            slot = slotOf(wire, hash);
        }
        keys[slot] = wire;
        hashes[slot] = hash;
        counts[slot] = delta;
        size++;
    }

    /** The slot holding the name, or the empty slot where it would go. */
    private int slotOf(byte[] wire, int hash) {
        int mask = keys.length - 1;
        for (int slot = hash & mask; ; slot = (slot + 1) & mask) {
            if (keys[slot] == null || hashes[slot] == hash && Arrays.equals(keys[slot], wire)) {
                return slot;
            }
        }
    }

    /** Backward-shift delete: later keys of the run move up, no tombstones. */
    private void delete(int slot) {
        int mask = keys.length - 1;
        int hole = slot;
        for (int next = (hole + 1) & mask; keys[next] != null; next = (next + 1) & mask) {
            int home = hashes[next] & mask;
            // The key at `next` may fill the hole unless its home lies cyclically in (hole, next].
            boolean stays = hole <= next ? hole < home && home <= next : hole < home || home <= next;
            if (!stays) {
                keys[hole] = keys[next];
                hashes[hole] = hashes[next];
                counts[hole] = counts[next];
                hole = next;
            }
        }
        keys[hole] = null;
        hashes[hole] = 0;
        counts[hole] = 0;
        size--;
    }

    private void grow() {
        byte[][] oldKeys = keys;
        int[] oldHashes = hashes;
        int[] oldCounts = counts;
        keys = new byte[oldKeys.length * 2][];
        hashes = new int[keys.length];
        counts = new int[keys.length];
        int mask = keys.length - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != null) {
                int slot = oldHashes[i] & mask;
                while (keys[slot] != null) {
                    slot = (slot + 1) & mask;
                }
                keys[slot] = oldKeys[i];
                hashes[slot] = oldHashes[i];
                counts[slot] = oldCounts[i];
            }
        }
    }
}
