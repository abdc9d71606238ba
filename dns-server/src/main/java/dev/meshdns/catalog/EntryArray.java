package dev.meshdns.catalog;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * An immutable list of entries over an array it owns, whose first {@code size} slots are its
 * elements: what a catalog file's parse hands on, made by an {@link Appender} without the copies
 * of an ArrayList and {@code List.copyOf} (at a million services, four arrays of 4 MB for each
 * edit of the file, each too large for the young generation). Thread-safe (immutable).
 */
final class EntryArray extends AbstractList<ServiceEntry> implements RandomAccess {
    private final ServiceEntry[] entries;
    private final int size;

    private EntryArray(ServiceEntry[] entries, int size) {
        this.entries = entries;
        this.size = size;
    }

    @Override
    public ServiceEntry get(int index) {
        return entries[Objects.checkIndex(index, size)];
    }

    @Override
    public int size() {
        return size;
    }

    /** Builds one list; not thread-safe, and not to be used once {@link #list} has been called. */
    static final class Appender {
        private ServiceEntry[] entries;
        private int size;

        /** {@code capacity}: how many entries are expected; more still fit. */
        Appender(int capacity) {
            entries = new ServiceEntry[Math.max(capacity, 16)];
        }

        void add(ServiceEntry entry) {
            room(1);
            entries[size++] = entry;
        }

        /** Appends {@code source[from, to)}. */
        void addAll(List<ServiceEntry> source, int from, int to) {
            room(to - from);
            if (source instanceof EntryArray array) {
                Objects.checkFromToIndex(from, to, array.size);
                System.arraycopy(array.entries, from, entries, size, to - from);
                size += to - from;
            } else {
                source.subList(from, to).forEach(entry -> entries[size++] = entry);
            }
        }

        /** The list of the entries appended; its array is this appender's, not a copy. */
        EntryArray list() {
            EntryArray list = new EntryArray(entries, size);
            entries = null;
            return list;
        }

        private void room(int more) {
            if (size + more > entries.length) {
                entries = Arrays.copyOf(entries, Math.max(size + more, entries.length + entries.length / 2));
            }
        }
    }
}
