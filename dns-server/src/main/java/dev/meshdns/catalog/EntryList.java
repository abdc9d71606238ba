package dev.meshdns.catalog;

import dev.meshdns.vip.OpenHashMap;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * An immutable list of entries, one per service, kept in chunks of at most {@value #CHUNK}: a copy
 * with one entry put or removed shares every chunk but one, so a source that changes one service
 * of 100,000 hands on a new list without copying 100,000 references (garbage the GC would promote).
 * Thread-safe (immutable); {@link Editor} makes the copies.
 */
public final class EntryList extends AbstractList<ServiceEntry> {
    static final int CHUNK = 1024;
    private static final ServiceEntry[] NONE = {};
    private static final EntryList EMPTY = new EntryList(new ServiceEntry[0][], 0);

    private final ServiceEntry[][] chunks;
    private final int size;

    private EntryList(ServiceEntry[][] chunks, int size) {
        this.chunks = chunks;
        this.size = size;
    }

    public static EntryList empty() {
        return EMPTY;
    }

    @Override
    public int size() {
        return size;
    }

    /** Walks the chunks: O(number of chunks); iterate instead where you can. */
    @Override
    public ServiceEntry get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + " of " + size);
        }
        int rest = index;
        for (ServiceEntry[] chunk : chunks) {
            if (rest < chunk.length) {
                return chunk[rest];
            }
            rest -= chunk.length;
        }
        throw new IllegalStateException("chunks hold fewer than " + size + " entries");
    }

    @Override
    public Iterator<ServiceEntry> iterator() {
        return new Iterator<>() {
            private int chunk;
            private int at;

            @Override
            public boolean hasNext() {
                while (chunk < chunks.length && at == chunks[chunk].length) {
                    chunk++;
                    at = 0;
                }
                return chunk < chunks.length;
            }

            @Override
            public ServiceEntry next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return chunks[chunk][at++];
            }
        };
    }

    /**
     * Makes copies of a list with entries put (replaced in place, or appended) and removed, by
     * service. Not thread-safe: one owner; the lists it hands out are immutable.
     */
    public static final class Editor {
        /** Full or shortened chunks, each never written once placed. */
        private ServiceEntry[][] chunks = new ServiceEntry[0][];
        /**
         * The chunk entries are appended to, numbered {@code chunks.length}: written in place, since a
         * list handed out takes a copy of it (appending a million entries copied the last chunk each
         * time, 2 GB of garbage at a replica's first sync).
         */
        private ServiceEntry[] tail = new ServiceEntry[CHUNK];
        private int tailSize;
        private int size;
        /**
         * Each service's chunk number, open-addressed, the numbers boxed once per chunk: at a million
         * services a HashMap node and an Integer each were 46 MB.
         */
        private final Map<String, Integer> chunkOf = new OpenHashMap<>();
        private Integer tailNumber = 0;
        private EntryList current = EMPTY;

        /** The list as it is now; the same object until the next change. */
        public EntryList list() {
            if (current == null) {
                ServiceEntry[][] all = Arrays.copyOf(chunks, chunks.length + (tailSize > 0 ? 1 : 0));
                if (tailSize > 0) {
                    all[chunks.length] = Arrays.copyOf(tail, tailSize);
                }
                current = new EntryList(all, size);
            }
            return current;
        }

        /** Replaces the entry of its service where it stands, or appends it. */
        public void put(ServiceEntry entry) {
            Integer at = chunkOf.get(entry.service());
            if (at != null && at == chunks.length) {
                tail[indexIn(tail, tailSize, entry.service())] = entry;
                current = null;
                return;
            }
            if (at != null) {
                ServiceEntry[] chunk = chunks[at].clone();
                chunk[indexIn(chunk, chunk.length, entry.service())] = entry;
                changed(at, chunk, 0);
                return;
            }
            if (tailSize == CHUNK) {
                chunks = Arrays.copyOf(chunks, chunks.length + 1);
                chunks[chunks.length - 1] = tail;
                tail = new ServiceEntry[CHUNK];
                tailSize = 0;
                tailNumber = chunks.length;
            }
            tail[tailSize++] = entry;
            chunkOf.put(entry.service(), tailNumber);
            size++;
            current = null;
        }

        /** Removes the entry of this service, if any. */
        public void remove(String service) {
            Integer at = chunkOf.remove(service);
            if (at == null) {
                return;
            }
            if (at == chunks.length) {
                int i = indexIn(tail, tailSize, service);
                System.arraycopy(tail, i + 1, tail, i, tailSize - i - 1);
                tail[--tailSize] = null;
                size--;
                current = null;
                return;
            }
            ServiceEntry[] old = chunks[at];
            int i = indexIn(old, old.length, service);
            ServiceEntry[] chunk = new ServiceEntry[old.length - 1];
            System.arraycopy(old, 0, chunk, 0, i);
            System.arraycopy(old, i + 1, chunk, i, old.length - i - 1);
            changed(at, chunk, -1);
            if (chunks.length > 2 * (size / CHUNK + 1)) {
                compact(); // removals left many chunks nearly empty
            }
        }

        private void changed(int at, ServiceEntry[] chunk, int delta) {
            // Chunk arrays are never written once placed; handed-out lists have their own array of them.
            chunks[at] = chunk;
            size += delta;
            current = null;
        }

        /** Packs every entry, in order, into full chunks but the last, which is the new tail. */
        private void compact() {
            ServiceEntry[][] packed = new ServiceEntry[size / CHUNK][];
            ServiceEntry[] open = new ServiceEntry[CHUNK];
            int n = 0;
            Integer number = n;
            int filled = 0;
            chunkOf.clear();
            List<ServiceEntry[]> all = new ArrayList<>(Arrays.asList(chunks));
            all.add(Arrays.copyOf(tail, tailSize));
            for (ServiceEntry[] chunk : all) {
                for (ServiceEntry entry : chunk) {
                    open[filled++] = entry;
                    chunkOf.put(entry.service(), number);
                    if (filled == CHUNK && n < packed.length) {
                        packed[n++] = open;
                        number = n;
                        open = new ServiceEntry[CHUNK];
                        filled = 0;
                    }
                }
            }
            chunks = packed;
            tail = open;
            tailSize = filled;
            tailNumber = number;
            current = null;
        }

        private static int indexIn(ServiceEntry[] chunk, int length, String service) {
            for (int i = 0; i < length; i++) {
                if (chunk[i].service().equals(service)) {
                    return i;
                }
            }
            throw new IllegalStateException("service " + service + " not in the chunk its index names");
        }
    }
}
