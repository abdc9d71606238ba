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
 * side by side: an entry costs two array slots, not a {@code HashMap.Node} of 32 bytes plus its
 * slot, which is most of what the per-service maps of a million services weigh. Unordered, like
 * {@code HashMap}; null keys are refused, null values allowed. A removal leaves a tombstone until
 * the next resize, so iterating while removing through the iterator is safe. Not thread-safe.
 */
public final class OpenHashMap<K, V> extends AbstractMap<K, V> {
    private static final Object TOMBSTONE = new Object();
    private static final int MIN_CAPACITY = 8;

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

    /** Slots for {@code entries} at most two thirds full, a power of two. */
    private static int capacityFor(int entries) {
        int needed = Math.max(MIN_CAPACITY, (int) Math.min(1 << 30, entries * 3L / 2 + 1));
        return Integer.highestOneBit(needed - 1) << 1;
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
        if ((size + tombstones + 1) * 3L > (table.length / 2) * 2L) {
            resize(capacityFor(size + 1));
        }
        int mask = table.length / 2 - 1;
        int free = hash(key) & mask;
        while (table[2 * free] != null && table[2 * free] != TOMBSTONE) {
            free = (free + 1) & mask;
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

    /** The key's slot, or -1. */
    private int find(Object key) {
        if (key == null) {
            return -1;
        }
        int mask = table.length / 2 - 1;
        for (int slot = hash(key) & mask; ; slot = (slot + 1) & mask) {
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
        int mask = capacity - 1;
        for (int i = 0; i < old.length; i += 2) {
            Object key = old[i];
            if (key != null && key != TOMBSTONE) {
                int slot = hash(key) & mask;
                while (table[2 * slot] != null) {
                    slot = (slot + 1) & mask;
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
