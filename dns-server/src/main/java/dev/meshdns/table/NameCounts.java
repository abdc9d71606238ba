package dev.meshdns.table;

import java.util.Arrays;

/**
 * A positive count per lower-case wire name, by open addressing (linear probing) over three
 * arrays: a name costs a slot in each, not a map entry, a key object and a boxed count. A count
 * that falls to zero or below removes its name. Keys are held by reference: do not modify them.
 * Not thread-safe.
 */
final class NameCounts {
    /** Most names per slot: a miss then probes about 6 slots, a hit about 2 (never read per query). */
    private static final double MAX_LOAD = 0.7;
    private byte[][] keys;
    private int[] hashes;
    private int[] counts;
    private int size;

    /** Slots for {@code names} at most {@code MAX_LOAD} full: any number (a hash is scaled onto the slots). */
    private static int capacityFor(int names) {
        return (int) Math.max(8, Math.min(1 << 30, (long) Math.ceil(names / MAX_LOAD) + 1));
    }

    /** The first slot to probe for the hash: mixed, then modulo the slots (not scaled: see OpenHashMap#home). */
    private static int home(int hash, int capacity) {
        int h = hash * 0x9E3779B9;
        return Integer.remainderUnsigned(h ^ (h >>> 16), capacity);
    }

    private static int next(int slot, int capacity) {
        return slot + 1 == capacity ? 0 : slot + 1;
    }

    /** Room for {@code expected} names before the arrays grow. */
    NameCounts(int expected) {
        int capacity = capacityFor(expected);
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
        if (size + 1 > keys.length * MAX_LOAD) {
            grow();
            slot = slotOf(wire, hash);
        }
        keys[slot] = wire;
        hashes[slot] = hash;
        counts[slot] = delta;
        size++;
    }

    /**
     * Adds one to the count of the name {@code buf[from..to)}, compared in place: returns the copy it
     * keeps of a name counted for the first time, null for a name counted before (no copy made).
     */
    byte[] addOne(byte[] buf, int from, int to) {
        int hash = WireName.hash(buf, from, to);
        int capacity = keys.length;
        for (int slot = home(hash, capacity); keys[slot] != null; slot = next(slot, capacity)) {
            if (hashes[slot] == hash && Arrays.equals(keys[slot], 0, keys[slot].length, buf, from, to)) {
                counts[slot]++;
                return null;
            }
        }
        byte[] wire = Arrays.copyOfRange(buf, from, to);
        add(wire, 1);
        return wire;
    }

    /** The slot holding the name, or the empty slot where it would go. */
    private int slotOf(byte[] wire, int hash) {
        int capacity = keys.length;
        for (int slot = home(hash, capacity); ; slot = next(slot, capacity)) {
            if (keys[slot] == null || hashes[slot] == hash && Arrays.equals(keys[slot], wire)) {
                return slot;
            }
        }
    }

    /** Backward-shift delete: later keys of the run move up, no tombstones. */
    private void delete(int slot) {
        int capacity = keys.length;
        int hole = slot;
        for (int next = next(hole, capacity); keys[next] != null; next = next(next, capacity)) {
            int home = home(hashes[next], capacity);
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
        int capacity = capacityFor(size * 3 / 2); // half full again
        keys = new byte[capacity][];
        hashes = new int[capacity];
        counts = new int[capacity];
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != null) {
                int slot = home(oldHashes[i], capacity);
                while (keys[slot] != null) {
                    slot = next(slot, capacity);
                }
                keys[slot] = oldKeys[i];
                hashes[slot] = oldHashes[i];
                counts[slot] = oldCounts[i];
            }
        }
    }
}
