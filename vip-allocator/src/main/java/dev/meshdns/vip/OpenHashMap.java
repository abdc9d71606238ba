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
 * million services weigh. Each slot's hash is kept beside it in an {@code int[]}: a probe past
 * another key reads the next int of that array, not the key object and its bytes elsewhere in the
 * heap, so a lookup costs about one cache miss before the key it finds (at a million services no
 * cache holds the keys; those misses were a third of a full apply's CPU samples). Unordered, like
 * {@code HashMap}; null keys are refused, null values allowed. A removal leaves a tombstone until
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
    /** The {@link #hash} of the key at each slot (of the key removed, at a tombstone); 0 at a free slot. */
    private int[] hashes;
    private int size;
    private int tombstones;
    private int modifications;

    public OpenHashMap() {
        this(0);
    }

    /** Room for {@code expected} entries before the table grows. */
    public OpenHashMap(int expected) {
        int capacity = capacityFor(expected);
        table = new Object[2 * capacity];
        hashes = new int[capacity];
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
    private static int home(int hash, int capacity) {
        return Integer.remainderUnsigned(hash, capacity);
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
    public V put(K key, V value) {
        return put(key, value, false);
    }

    /** One probe, not the two of {@link Map#putIfAbsent}'s default (a get, then a put). */
    @Override
    public V putIfAbsent(K key, V value) {
        return put(key, value, true);
    }

    /** Puts the value, or with {@code onlyIfAbsent} only where the key is not held or holds null; returns what it held. */
    @SuppressWarnings("unchecked")
    private V put(K key, V value, boolean onlyIfAbsent) {
        Objects.requireNonNull(key, "key");
        int hash = hash(key);
        int slot = find(key, hash);
        if (slot < 0) {
            insert(key, value, hash, -slot - 1);
            return null;
        }
        V old = (V) table[2 * slot + 1];
        if (!onlyIfAbsent || old == null) {
            table[2 * slot + 1] = value;
        }
        return old;
    }

    /**
     * Puts a key not held, {@code free} the free slot where its probe ended (the key's own, unless
     * a tombstone comes first or the table grows).
     */
    private void insert(K key, V value, int hash, int free) {
        if (size + tombstones + 1 > capacity() * MAX_LOAD) {
            resize(capacityFor((size + 1) * 3 / 2)); // half full again after growing
            free = freeSlot(hash);
        } else if (tombstones > 0) {
            free = freeSlot(hash);
        }
        if (table[2 * free] == TOMBSTONE) {
            tombstones--;
        }
        table[2 * free] = key;
        table[2 * free + 1] = value;
        hashes[free] = hash;
        size++;
        modifications++;
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
        hashes = new int[MIN_CAPACITY];
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

    /** The key's slot, or a negative number. */
    private int find(Object key) {
        return key == null ? -1 : find(key, hash(key));
    }

    /**
     * The slot of the key whose {@link #hash} is {@code hash}, or, when it is not held,
     * {@code -1 - s} for the free slot {@code s} where its probe ended.
     */
    private int find(Object key, int hash) {
        int capacity = capacity();
        for (int slot = home(hash, capacity); ; slot = next(slot, capacity)) {
            probes++;
            int at = hashes[slot];
            if (at == 0) {
                return -1 - slot;
            }
            if (at == hash) {
                Object held = table[2 * slot];
                if (held == key || held != TOMBSTONE && held.equals(key)) {
                    return slot;
                }
            }
        }
    }

    /** The first free slot or tombstone on the probe of a key with this hash. */
    private int freeSlot(int hash) {
        int capacity = capacity();
        int free = home(hash, capacity);
        while (hashes[free] != 0 && table[2 * free] != TOMBSTONE) {
            free = next(free, capacity);
            probes++;
        }
        return free;
    }

    private void resize(int capacity) {
        Object[] old = table;
        int[] oldHashes = hashes;
        table = new Object[2 * capacity];
        hashes = new int[capacity];
        tombstones = 0;
        for (int i = 0; i < oldHashes.length; i++) {
            Object key = old[2 * i];
            if (key != null && key != TOMBSTONE) {
                int slot = home(oldHashes[i], capacity);
                while (hashes[slot] != 0) {
                    slot = next(slot, capacity);
                }
                table[2 * slot] = key;
                table[2 * slot + 1] = old[2 * i + 1];
                hashes[slot] = oldHashes[i];
            }
        }
    }

    /**
     * The key's hash, its bits mixed so that hashes differing only in their high bits still spread;
     * never 0, which marks a free slot.
     */
    private static int hash(Object key) {
        int h = key.hashCode() * 0x9E3779B9;
        h ^= h >>> 16;
        return h == 0 ? 1 : h;
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
