package dev.meshdns.table;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Immutable snapshot of every name the server answers, keyed by lower-case wire name, with its
 * answers prepared; {@link LiveTable} builds and patches it. Thread-safe: built aside, published
 * with one volatile write, never written after.
 */
public final class NameTable {
    // An open-addressing table (linear probing) cut into segments of at most SEGMENT_SLOTS slots,
    // so that a patch copies only the segments it writes: a one-service change leaves a few hundred
    // kilobytes of garbage, not the whole table.
    static final int SEGMENT_BITS = 12;
    static final int SEGMENT_SLOTS = 1 << SEGMENT_BITS;

    /** A run of slots: key, its hash and its node at the same index. */
    private static final class Segment {
        final byte[][] keys;
        final int[] hashes;
        final Node[] nodes;

        Segment(int slots) {
            this(new byte[slots][], new int[slots], new Node[slots]);
        }

        private Segment(byte[][] keys, int[] hashes, Node[] nodes) {
            this.keys = keys;
            this.hashes = hashes;
            this.nodes = nodes;
        }

        Segment copy() {
            return new Segment(keys.clone(), hashes.clone(), nodes.clone());
        }
    }

    private final Segment[] segments;
    private final int segmentMask;
    private final int mask;
    private final int size;
    private final int entryNames;
    private final List<String> problems;

    NameTable(List<byte[]> names, List<Node> values, int entryNames, List<String> problems) {
        this(emptySegments(capacityFor(names.size())), capacityFor(names.size()), names.size(), entryNames,
                List.copyOf(problems));
        for (int i = 0; i < names.size(); i++) {
            insert(names.get(i), values.get(i));
        }
    }

    private NameTable(Segment[] segments, int capacity, int size, int entryNames, List<String> problems) {
        this.segments = segments;
        this.segmentMask = Math.min(capacity, SEGMENT_SLOTS) - 1;
        this.mask = capacity - 1;
        this.size = size;
        this.entryNames = entryNames;
        this.problems = problems;
    }

    private static Segment[] emptySegments(int capacity) {
        int perSegment = Math.min(capacity, SEGMENT_SLOTS);
        Segment[] segments = new Segment[capacity / perSegment];
        for (int i = 0; i < segments.length; i++) {
            segments[i] = new Segment(perSegment);
        }
        return segments;
    }

    /**
     * Room for half as many names again, a power of two: at most two thirds full after a build, so
     * probes stay short (about 2 for a hit, 5 for a miss at two thirds), without the 2-4 slots per
     * name that twice the names rounded up gave: at a million services the slots weigh 50 MB, not 100.
     */
    private static int capacityFor(int names) {
        return Integer.highestOneBit(Math.max(4, names + names / 2 - 1)) << 1;
    }

    /**
     * A copy with these names changed: a node puts the name, null removes it. Built aside; this
     * table is unchanged. Shares every segment it does not write; rebuilds when the table would
     * grow past three quarters full.
     */
    NameTable patched(Map<WireKey, Node> changes, int entryNames) {
        int size = this.size;
        for (Map.Entry<WireKey, Node> change : changes.entrySet()) {
            boolean present = slotOf(change.getKey().wire()) >= 0;
            size += change.getValue() == null ? (present ? -1 : 0) : (present ? 0 : 1);
        }
        if (size * 4L > (mask + 1) * 3L) {
            List<byte[]> names = new ArrayList<>(size);
            List<Node> values = new ArrayList<>(size);
            forEachSlot((key, node) -> {
                if (!changes.containsKey(new WireKey(key))) {
                    names.add(key);
                    values.add(node);
                }
            });
            changes.forEach((key, node) -> {
                if (node != null) {
                    names.add(key.wire());
                    values.add(node);
                }
            });
            return new NameTable(names, values, entryNames, problems);
        }
        NameTable copy = new NameTable(segments.clone(), mask + 1, size, entryNames, problems);
        boolean[] copied = new boolean[segments.length];
        changes.forEach((key, node) -> {
            int slot = copy.slotOf(key.wire());
            if (node == null) {
                if (slot >= 0) {
                    copy.delete(slot, copied);
                }
            } else if (slot >= 0) {
                copy.writable(slot, copied).nodes[slot & segmentMask] = node;
            } else {
                copy.insert(key.wire(), node, copied);
            }
        });
        return copy;
    }

    /** The segment of the slot, copied first unless this patch copied it already. */
    private Segment writable(int slot, boolean[] copied) {
        int index = slot >>> SEGMENT_BITS;
        if (copied != null && !copied[index]) {
            segments[index] = segments[index].copy();
            copied[index] = true;
        }
        return segments[index];
    }

    private void insert(byte[] key, Node node) {
        insert(key, node, null);
    }

    private void insert(byte[] key, Node node, boolean[] copied) {
        int h = WireName.hash(key, 0, key.length);
        int slot = h & mask;
        while (segments[slot >>> SEGMENT_BITS].keys[slot & segmentMask] != null) {
            slot = (slot + 1) & mask;
        }
        put(slot, key, h, node, copied);
    }

    private void put(int slot, byte[] key, int hash, Node node, boolean[] copied) {
        Segment segment = writable(slot, copied);
        int i = slot & segmentMask;
        segment.keys[i] = key;
        segment.hashes[i] = hash;
        segment.nodes[i] = node;
    }

    private int slotOf(byte[] key) {
        int h = WireName.hash(key, 0, key.length);
        for (int slot = h & mask; ; slot = (slot + 1) & mask) {
            Segment segment = segments[slot >>> SEGMENT_BITS];
            int i = slot & segmentMask;
            if (segment.keys[i] == null) {
                return -1;
            }
            if (segment.hashes[i] == h && Arrays.equals(segment.keys[i], key)) {
                return slot;
            }
        }
    }

    /** Linear-probing delete by backward shift: later keys of the run move up, no tombstones. */
    private void delete(int slot, boolean[] copied) {
        int hole = slot;
        for (int next = (hole + 1) & mask; ; next = (next + 1) & mask) {
            Segment at = segments[next >>> SEGMENT_BITS];
            int i = next & segmentMask;
            if (at.keys[i] == null) {
                break;
            }
            int home = at.hashes[i] & mask;
            // The key at `next` may fill the hole unless its home lies cyclically in (hole, next].
            boolean stays = hole <= next ? hole < home && home <= next : hole < home || home <= next;
            if (!stays) {
                put(hole, at.keys[i], at.hashes[i], at.nodes[i], copied);
                hole = next;
            }
        }
        put(hole, null, 0, null, copied);
    }

    /** How many segments this table shares with {@code other} (the same objects): what a patch did not copy. */
    int segmentsSharedWith(NameTable other) {
        int shared = 0;
        for (int i = 0; i < Math.min(segments.length, other.segments.length); i++) {
            shared += segments[i] == other.segments[i] ? 1 : 0;
        }
        return shared;
    }

    int segmentCount() {
        return segments.length;
    }

    private void forEachSlot(BiConsumer<byte[], Node> action) {
        for (Segment segment : segments) {
            for (int i = 0; i < segment.keys.length; i++) {
                if (segment.keys[i] != null) {
                    action.accept(segment.keys[i], segment.nodes[i]);
                }
            }
        }
    }

    /**
     * The node for the wire name {@code buf[from..to)} (ending with its zero byte), compared
     * case-insensitively, or null. {@code hash} is {@link WireName#hash} of the same bytes. The
     * query's bytes are compared in place, so a hit allocates nothing.
     */
    public Node find(byte[] buf, int from, int to, int hash) {
        int len = to - from;
        for (int slot = hash & mask; ; slot = (slot + 1) & mask) {
            Segment segment = segments[slot >>> SEGMENT_BITS];
            int i = slot & segmentMask;
            byte[] key = segment.keys[i];
            if (key == null) {
                return null;
            }
            if (segment.hashes[i] == hash && key.length == len && sameName(key, buf, from)) {
                return segment.nodes[i];
            }
        }
    }

    /** Convenience lookup by dotted name, for tests and debug views (allocates). */
    public Node find(String dotted) {
        byte[] wire = WireName.of(dotted);
        return find(wire, 0, wire.length, WireName.hash(wire, 0, wire.length));
    }

    /** Number of names, empty non-terminals and zone apexes included. */
    public int size() {
        return size;
    }

    /** Names the entries own: service names, Kubernetes forms and hostnames (no PTR, apex or empty non-terminal). */
    public int entryNames() {
        return entryNames;
    }

    /** Entries or names left out while building, each naming what and why. */
    public List<String> problems() {
        return problems;
    }

    /** Every name in dotted form, for debug views (allocates). */
    public List<String> names() {
        List<String> out = new ArrayList<>(size);
        forEachSlot((key, node) -> out.add(WireName.toDotted(key)));
        return out;
    }

    private static boolean sameName(byte[] key, byte[] buf, int from) {
        for (int i = 0; i < key.length; i++) {
            if ((key[i] & 0xff) != WireName.lower(buf[from + i] & 0xff)) {
                return false;
            }
        }
        return true;
    }
}
