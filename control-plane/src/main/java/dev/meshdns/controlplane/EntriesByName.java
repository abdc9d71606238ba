package dev.meshdns.controlplane;

import java.util.Collection;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * The served entries by name: an open-addressing table (linear probing) of the entries themselves,
 * since an entry carries its name. An entry costs its slot (at most 70 % full: 1.4 slots), not a
 * {@code HashMap.Node} of 32 bytes as well: 32 MB at a million served entries. A removal moves later
 * entries of its run back (no tombstones). Unordered. Not thread-safe.
 */
final class EntriesByName implements Iterable<VersionedEntry> {
    private static final int MIN_CAPACITY = 16;
    /** Most entries per slot: a lookup of a missing name then probes about 6 slots, a hit about 2. */
    private static final double MAX_LOAD = 0.7;

    private VersionedEntry[] slots;
    private int size;
    private int modifications;

    EntriesByName() {
        slots = new VersionedEntry[MIN_CAPACITY];
    }

    /** The entries, the last one of a name winning. */
    static EntriesByName of(Collection<VersionedEntry> entries) {
        EntriesByName byName = new EntriesByName();
        byName.slots = new VersionedEntry[capacityFor(entries.size())];
        entries.forEach(byName::put);
        return byName;
    }

    int size() {
        return size;
    }

    /** The entry of this name, or null. */
    VersionedEntry get(String name) {
        int slot = slotOf(name);
        return slots[slot];
    }

    boolean contains(String name) {
        return get(name) != null;
    }

    /** Puts the entry in place of the one of its name; returns that one, or null. */
    VersionedEntry put(VersionedEntry entry) {
        int slot = slotOf(entry.name());
        VersionedEntry old = slots[slot];
        slots[slot] = entry;
        if (old == null) {
            size++;
            modifications++;
            if (size > slots.length * MAX_LOAD) {
                resize(capacityFor(size * 3 / 2)); // half full again after growing
            }
        }
        return old;
    }

    /** Removes the entry of this name; returns it, or null. */
    VersionedEntry remove(String name) {
        int hole = slotOf(name);
        VersionedEntry old = slots[hole];
        if (old == null) {
            return null;
        }
        int capacity = slots.length;
        for (int next = next(hole, capacity); slots[next] != null; next = next(next, capacity)) {
            int home = home(slots[next].name(), capacity);
            // The entry at `next` may fill the hole unless its home lies cyclically in (hole, next].
            boolean stays = hole <= next ? hole < home && home <= next : hole < home || home <= next;
            if (!stays) {
                slots[hole] = slots[next];
                hole = next;
            }
        }
        slots[hole] = null;
        size--;
        modifications++;
        return old;
    }

    /** Every entry once, in no particular order; adding or removing meanwhile fails the iteration. */
    @Override
    public Iterator<VersionedEntry> iterator() {
        return new Iterator<>() {
            private final int expected = modifications;
            private int next = advance(0);

            private int advance(int from) {
                int slot = from;
                while (slot < slots.length && slots[slot] == null) {
                    slot++;
                }
                return slot;
            }

            @Override
            public boolean hasNext() {
                return next < slots.length;
            }

            @Override
            public VersionedEntry next() {
                if (modifications != expected) {
                    throw new ConcurrentModificationException();
                }
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                VersionedEntry entry = slots[next];
                next = advance(next + 1);
                return entry;
            }
        };
    }

    /** The slot holding the name, or the free slot where it would go. */
    private int slotOf(String name) {
        Objects.requireNonNull(name, "name");
        int capacity = slots.length;
        int slot = home(name, capacity);
        while (slots[slot] != null && !slots[slot].name().equals(name)) {
            slot = next(slot, capacity);
        }
        return slot;
    }

    private void resize(int capacity) {
        VersionedEntry[] old = slots;
        slots = new VersionedEntry[capacity];
        for (VersionedEntry entry : old) {
            if (entry != null) {
                int slot = home(entry.name(), capacity);
                while (slots[slot] != null) {
                    slot = next(slot, capacity);
                }
                slots[slot] = entry;
            }
        }
    }

    /** Slots for {@code entries} at most {@code MAX_LOAD} full: any number (a hash is taken modulo the slots). */
    private static int capacityFor(int entries) {
        return (int) Math.max(MIN_CAPACITY, Math.min(1 << 30, (long) Math.ceil(entries / MAX_LOAD) + 1));
    }

    /** The first slot to probe for the name: its hash modulo the slots (not scaled: see OpenHashMap#home). */
    private static int home(String name, int capacity) {
        return Integer.remainderUnsigned(hash(name), capacity);
    }

    private static int next(int slot, int capacity) {
        return slot + 1 == capacity ? 0 : slot + 1;
    }

    /** The name's hash, its bits mixed so that hashes differing only in their high bits still spread. */
    private static int hash(String name) {
        int h = name.hashCode() * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
