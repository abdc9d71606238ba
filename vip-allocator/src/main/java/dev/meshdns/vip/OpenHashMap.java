package dev.meshdns.vip;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * A {@link java.util.Map} by open addressing (linear probing) over one array of keys and values
 * side by side, at most 70 % full: an entry costs two array slots and a little, not a
 * {@code HashMap.Node} of 32 bytes plus its slot, which is most of what the per-service maps of a
 * million services weigh. Unordered, like {@code HashMap}; null keys are refused, null values allowed. A removal leaves a tombstone until
 * the next resize, so iterating while removing through the iterator is safe. Not thread-safe.
 */
public final class OpenHashMap<K, V> extends AbstractMap<K, V> {
    private static final Object TOMBSTONE = new Object();
    private static final int MIN_CAPACITY = 8;
    /**
     * Most entries and tombstones per slot: a lookup of a missing key then probes about 6 slots,
     * a hit about 2 (these maps are read by the thread applying catalogs, never per query).
     */
    private static final double MAX_LOAD = 0.7;

    private long probes;
    /** Key at {@code 2 * slot}, value at {@code 2 * slot + 1}; a null key is a free slot. */
    private Object[] table;
    private int size;
    private int tombstones;
    private int modifications;

    public OpenHashMap() {
        this(0);
    }

    /** Room for {@code expected} entries before the table grows. */
    public OpenHashMap(int expected) {
        table = new Object[2 * capacityFor(expected)];
    }

    /**
     * Slots for {@code entries} at most {@code MAX_LOAD} full. Any number, not a power of two (a
     * hash is taken modulo the slots): a map built for the entries it holds,
     * as the catalog-sized ones are, is then nearly that full whatever their number, instead of a
     * third to two thirds full.
     */
    private static int capacityFor(int entries) {
        return (int) Math.max(MIN_CAPACITY, Math.min(1 << 29, (long) Math.ceil(entries / MAX_LOAD) + 1));
    }

    /** Number of slots. */
    int capacity() {
        return table.length / 2;
    }

    /**
     * The first slot to probe for the key: its hash modulo the slots. Not its hash scaled onto them
     * (a multiplication, monotone in the hash): keys inserted in the iteration order of another
     * such map (a replica's entries as a control plane or replica sends them) then all fell into
     * the first part of a map still smaller than their number, one cluster probed whole by every
     * insert: a 200,000-service initial sync took 40 s instead of 6.
     */
    private static int home(Object key, int capacity) {
        return Integer.remainderUnsigned(hash(key), capacity);
    }

    private static int next(int slot, int capacity) {
        return slot + 1 == capacity ? 0 : slot + 1;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean containsKey(Object key) {
        return find(key) >= 0;
    }

    @Override
    @SuppressWarnings("unchecked")
    public V get(Object key) {
        int slot = find(key);
        return slot < 0 ? null : (V) table[2 * slot + 1];
    }

    @Override
    @SuppressWarnings("unchecked")
    public V put(K key, V value) {
        Objects.requireNonNull(key, "key");
        int slot = find(key);
        if (slot >= 0) {
            V old = (V) table[2 * slot + 1];
            table[2 * slot + 1] = value;
            return old;
        }
        if (size + tombstones + 1 > capacity() * MAX_LOAD) {
            resize(capacityFor((size + 1) * 3 / 2)); // half full again after growing
        }
        int capacity = capacity();
        int free = home(key, capacity);
        while (table[2 * free] != null && table[2 * free] != TOMBSTONE) {
            free = next(free, capacity);
            probes++;
        }
        if (table[2 * free] == TOMBSTONE) {
            tombstones--;
        }
        table[2 * free] = key;
        table[2 * free + 1] = value;
        size++;
        modifications++;
        return null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public V remove(Object key) {
        int slot = find(key);
        if (slot < 0) {
            return null;
        }
        V old = (V) table[2 * slot + 1];
        removeAt(slot);
        return old;
    }

    /**
     * Grows now, if it must, to hold {@code entries} in all and a sixteenth more without growing
     * again: a first batch of new keys whose number is known then leaves the map nearly full, not
     * half full after growing, with room for the keys that follow it (growing for a later batch
     * still makes room for half as many again, so small batches stay cheap). Without that sixteenth,
     * the first service added after a start of a million grew every catalog-sized map at once.
     */
    public void reserve(int entries) {
        if (entries + tombstones > capacity() * MAX_LOAD) {
            resize(capacityFor(Math.max(entries + entries / 16, size * 3 / 2)));
        }
    }

    @Override
    public void clear() {
        table = new Object[2 * MIN_CAPACITY];
        size = 0;
        tombstones = 0;
        modifications++;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void forEach(BiConsumer<? super K, ? super V> action) {
        int expected = modifications;
        for (int slot = 0; slot < table.length / 2; slot++) {
            Object key = table[2 * slot];
            if (key != null && key != TOMBSTONE) {
                action.accept((K) key, (V) table[2 * slot + 1]);
                if (modifications != expected) {
                    throw new ConcurrentModificationException();
                }
            }
        }
    }

    @Override
    public Set<Entry<K, V>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<K, V>> iterator() {
                return new Entries();
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    private void removeAt(int slot) {
        table[2 * slot] = TOMBSTONE;
        table[2 * slot + 1] = null;
        size--;
        tombstones++;
        modifications++;
    }

    /** Slots looked at by every lookup and put so far, for tests of how keys spread. */
    long probes() {
        return probes;
    }

    /** The key's slot, or -1. */
    private int find(Object key) {
        if (key == null) {
            return -1;
        }
        int capacity = capacity();
        for (int slot = home(key, capacity); ; slot = next(slot, capacity)) {
            probes++;
            Object at = table[2 * slot];
            if (at == null) {
                return -1;
            }
            if (at != TOMBSTONE && (at == key || at.equals(key))) {
                return slot;
            }
        }
    }

    private void resize(int capacity) {
        Object[] old = table;
        table = new Object[2 * capacity];
        tombstones = 0;
        for (int i = 0; i < old.length; i += 2) {
            Object key = old[i];
            if (key != null && key != TOMBSTONE) {
                int slot = home(key, capacity);
                while (table[2 * slot] != null) {
                    slot = next(slot, capacity);
                }
                table[2 * slot] = key;
                table[2 * slot + 1] = old[i + 1];
            }
        }
    }

    /** The key's hash, its bits mixed so that hashes differing only in their high bits still spread. */
    private static int hash(Object key) {
        int h = key.hashCode() * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    private final class Entries implements Iterator<Entry<K, V>> {
        private int next = advance(0);
        private int last = -1;
        private int expected = modifications;

        private int advance(int from) {
            int slot = from;
            while (slot < table.length / 2 && (table[2 * slot] == null || table[2 * slot] == TOMBSTONE)) {
                slot++;
            }
            return slot;
        }

        @Override
        public boolean hasNext() {
            return next < table.length / 2;
        }

        @Override
        @SuppressWarnings("unchecked")
        public Entry<K, V> next() {
            if (modifications != expected) {
                throw new ConcurrentModificationException();
            }
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            last = next;
            next = advance(next + 1);
            int slot = last;
            return new SimpleEntry<>((K) table[2 * slot], (V) table[2 * slot + 1]) {
                @Override
                public V setValue(V value) {
                    table[2 * slot + 1] = value;
                    return super.setValue(value);
                }
            };
        }

        @Override
        public void remove() {
            if (last < 0) {
                throw new IllegalStateException();
            }
            if (modifications != expected) {
                throw new ConcurrentModificationException();
            }
            removeAt(last);
            expected = modifications;
            last = -1;
        }
    }
}
