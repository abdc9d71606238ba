package dev.meshdns.controlplane;

import java.util.Collection;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * The served entries by name: an open-addressing table (linear probing) of the entries themselves,
 * since an entry carries its name. An entry costs its slot (about two at two thirds full), not a
 * {@code HashMap.Node} of 32 bytes as well: 32 MB at a million served entries. A removal moves later
 * entries of its run back (no tombstones). Unordered. Not thread-safe.
 */
final class EntriesByName implements Iterable<VersionedEntry> {
    private static final int MIN_CAPACITY = 16;

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
            if (size * 3L > slots.length * 2L) {
                resize(capacityFor(size));
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
        int mask = slots.length - 1;
        for (int next = (hole + 1) & mask; slots[next] != null; next = (next + 1) & mask) {
            int home = hash(slots[next].name()) & mask;
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
        int mask = slots.length - 1;
        int slot = hash(name) & mask;
        while (slots[slot] != null && !slots[slot].name().equals(name)) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private void resize(int capacity) {
        VersionedEntry[] old = slots;
        slots = new VersionedEntry[capacity];
        int mask = capacity - 1;
        for (VersionedEntry entry : old) {
            if (entry != null) {
                int slot = hash(entry.name()) & mask;
                while (slots[slot] != null) {
                    slot = (slot + 1) & mask;
                }
                slots[slot] = entry;
            }
        }
    }

    /** Slots for {@code entries} at most two thirds full, a power of two. */
    private static int capacityFor(int entries) {
        int needed = (int) Math.max(MIN_CAPACITY, Math.min(1 << 30, entries * 3L / 2 + 1));
        return Integer.highestOneBit(needed - 1) << 1;
    }

    /** The name's hash, its bits mixed so that hashes differing only in their high bits still spread. */
    private static int hash(String name) {
        int h = name.hashCode() * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
