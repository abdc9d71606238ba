package dev.meshdns.apply;

import dev.meshdns.catalog.ServiceEntry;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Entries by service, each with an int stamp: open addressing (linear probing) over an array of
 * the entries themselves (an entry carries its service) and an array of stamps beside it, at most
 * 70 % full. An entry costs about 11 bytes, not a map entry and a record of its own. A removal moves
 * later entries of its run back, stamps with them (no tombstones). Unordered. Not thread-safe.
 */
final class EntriesByService {
    private static final double MAX_LOAD = 0.7;
    private static final int MIN_CAPACITY = 8;

    private ServiceEntry[] entries;
    private int[] stamps;
    private int size;

    /** Room for {@code expected} services and a sixteenth more, as {@code OpenHashMap#reserve} leaves. */
    EntriesByService(int expected) {
        int capacity = capacityFor(expected + expected / 16);
        entries = new ServiceEntry[capacity];
        stamps = new int[capacity];
    }

    int size() {
        return size;
    }

    /** The slot of the service's entry, or -1; valid until the next put of a new service or removal. */
    int slotOf(String service) {
        int slot = find(service);
        return entries[slot] == null ? -1 : slot;
    }

    ServiceEntry entryAt(int slot) {
        return entries[slot];
    }

    int stampAt(int slot) {
        return stamps[slot];
    }

    void stamp(int slot, int stamp) {
        stamps[slot] = stamp;
    }

    /** The service's entry, or null. */
    ServiceEntry get(String service) {
        return entries[find(service)];
    }

    /** Puts the entry in place of its service's (whose stamp it keeps), or adds it with stamp 0. */
    void put(ServiceEntry entry) {
        int slot = find(entry.service());
        if (entries[slot] != null) {
            entries[slot] = entry;
            return;
        }
        if (size + 1 > entries.length * MAX_LOAD) {
            grow();
            slot = find(entry.service());
        }
        entries[slot] = entry;
        stamps[slot] = 0;
        size++;
    }

    /** Removes the service's entry, if any. */
    void remove(String service) {
        int hole = find(service);
        if (entries[hole] == null) {
            return;
        }
        int capacity = entries.length;
        for (int next = next(hole, capacity); entries[next] != null; next = next(next, capacity)) {
            int home = home(entries[next].service(), capacity);
            // The entry at `next` may fill the hole unless its home lies cyclically in (hole, next].
            boolean stays = hole <= next ? hole < home && home <= next : hole < home || home <= next;
            if (!stays) {
                entries[hole] = entries[next];
                stamps[hole] = stamps[next];
                hole = next;
            }
        }
        entries[hole] = null;
        stamps[hole] = 0;
        size--;
    }

    /** Every entry once, in no particular order. */
    void forEach(Consumer<ServiceEntry> action) {
        for (ServiceEntry entry : entries) {
            if (entry != null) {
                action.accept(entry);
            }
        }
    }

    /** Every entry whose stamp is not {@code stamp}. */
    void forEachNotStamped(int stamp, Consumer<ServiceEntry> action) {
        for (int slot = 0; slot < entries.length; slot++) {
            if (entries[slot] != null && stamps[slot] != stamp) {
                action.accept(entries[slot]);
            }
        }
    }

    /** The slot holding the service's entry, or the free slot where it would go. */
    private int find(String service) {
        Objects.requireNonNull(service, "service");
        int capacity = entries.length;
        int slot = home(service, capacity);
        while (entries[slot] != null && !entries[slot].service().equals(service)) {
            slot = next(slot, capacity);
        }
        return slot;
    }

    private void grow() {
        ServiceEntry[] oldEntries = entries;
        int[] oldStamps = stamps;
        int capacity = capacityFor(size * 3 / 2); // half full again
        entries = new ServiceEntry[capacity];
        stamps = new int[capacity];
        for (int i = 0; i < oldEntries.length; i++) {
            if (oldEntries[i] != null) {
                int slot = home(oldEntries[i].service(), capacity);
                while (entries[slot] != null) {
                    slot = next(slot, capacity);
                }
                entries[slot] = oldEntries[i];
                stamps[slot] = oldStamps[i];
            }
        }
    }

    /** Slots for {@code count} entries at most {@code MAX_LOAD} full: any number (a hash is scaled onto the slots). */
    private static int capacityFor(int count) {
        return (int) Math.max(MIN_CAPACITY, Math.min(1 << 30, (long) Math.ceil(count / MAX_LOAD) + 1));
    }

    /** The first slot to probe for the service: its hash mixed, then modulo the slots (not scaled: see OpenHashMap#home). */
    private static int home(String service, int capacity) {
        int h = service.hashCode() * 0x9E3779B9;
        return Integer.remainderUnsigned(h ^ (h >>> 16), capacity);
    }

    private static int next(int slot, int capacity) {
        return slot + 1 == capacity ? 0 : slot + 1;
    }
}
