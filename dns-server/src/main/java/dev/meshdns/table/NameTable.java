package dev.meshdns.table;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * Immutable snapshot of every name the server answers, keyed by lower-case wire name, with its
 * answers prepared; {@link LiveTable} builds and patches it. A name and its answers are one node
 * encoded in a {@link NodeArena}, addressed by an int, so a table is a few hundred arrays of bytes
 * and ints at any size: nothing per name for the collector to copy or scan. Thread-safe: built
 * aside, published with one volatile write, never written after.
 */
public final class NameTable {
    // An open-addressing table (linear probing) cut into segments of at most SEGMENT_SLOTS slots,
    // so that a patch copies only the segments it writes: a one-service change leaves a few hundred
    // kilobytes of garbage, not the whole table. A slot holds a node's address plus one (0: empty)
    // and its name's hash.
    static final int SEGMENT_BITS = 12;
    static final int SEGMENT_SLOTS = 1 << SEGMENT_BITS;
    /** The type, record count and length before an RRset's bytes. */
    private static final int RRSET_HEADER = 6;
    private static final int UNAVAILABLE_BYTES = 5;
    private static final int OWNED = 1;
    private static final int MAX_INDEX = (1 << 24) - 1;

    /** A run of slots: node address plus one and its name's hash at the same index. */
    private static final class Segment {
        final int[] nodes;
        final int[] hashes;

        Segment(int slots) {
            this(new int[slots], new int[slots]);
        }

        private Segment(int[] nodes, int[] hashes) {
            this.nodes = nodes;
            this.hashes = hashes;
        }

        Segment copy() {
            return new Segment(nodes.clone(), hashes.clone());
        }
    }

    private final Segment[] segments;
    private final int segmentMask;
    private final int mask;
    private final int size;
    private final int entryNames;
    private final List<String> problems;
    private final NodeArena arena;
    private final byte[][] chunks;
    /** Every zone a node names, by index; a patch appends, a rebuild drops the zones no node names. */
    private final Zone[] zones;
    /** The distinct Extended DNS Error options of unavailable types, by index. */
    private final byte[][] reasons;
    /** Bytes of this table's nodes in the arena: the rest of what it holds is dead. */
    private final long liveBytes;
    /** The arena's bytes when this table was made: of its last chunk, and in all. Later patches append past them. */
    private final int lastChunkUsed;
    private final long arenaWritten;

    private NameTable(Segment[] segments, int capacity, int size, int entryNames, List<String> problems,
                      Encoder encoder, long liveBytes) {
        this.segments = segments;
        this.segmentMask = Math.min(capacity, SEGMENT_SLOTS) - 1;
        this.mask = capacity - 1;
        this.size = size;
        this.entryNames = entryNames;
        this.problems = problems;
        this.arena = encoder.arena;
        this.chunks = encoder.arena.chunks();
        this.zones = encoder.zones();
        this.reasons = encoder.reasons();
        this.liveBytes = liveBytes;
        this.lastChunkUsed = encoder.arena.used();
        this.arenaWritten = encoder.arena.written();
    }

    /**
     * Everything a table is, as arrays, for {@link TableImage} to write and read back: the slots of
     * each segment, the arena's chunks ({@code lastChunkUsed} bytes of the last one are this table's),
     * the zones and reasons its nodes name by index. The arrays are the table's own: never write them.
     */
    record Image(int capacity, int size, int entryNames, List<String> problems, long liveBytes, Zone[] zones,
                 byte[][] reasons, byte[][] chunks, int lastChunkUsed, long arenaWritten, int[][] nodes,
                 int[][] hashes) {
    }

    Image image() {
        int[][] nodes = new int[segments.length][];
        int[][] hashes = new int[segments.length][];
        for (int i = 0; i < segments.length; i++) {
            nodes[i] = segments[i].nodes;
            hashes[i] = segments[i].hashes;
        }
        return new Image(mask + 1, size, entryNames, problems, liveBytes, zones, reasons, chunks, lastChunkUsed,
                arenaWritten, nodes, hashes);
    }

    /** The table an {@link #image} was taken of; the image's arrays become the table's. */
    static NameTable of(Image image) {
        Segment[] segments = new Segment[image.nodes().length];
        for (int i = 0; i < segments.length; i++) {
            segments[i] = new Segment(image.nodes()[i], image.hashes()[i]);
        }
        NodeArena arena = new NodeArena(image.chunks(), image.lastChunkUsed(), image.arenaWritten());
        return new NameTable(segments, image.capacity(), image.size(), image.entryNames(),
                List.copyOf(image.problems()), new Encoder(arena, image.zones(), image.reasons()), image.liveBytes());
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
     * name that twice the names rounded up gave.
     */
    private static int capacityFor(int names) {
        return Integer.highestOneBit(Math.max(4, names + names / 2 - 1)) << 1;
    }

    /**
     * A copy with these names changed: a node puts the name, null removes it. Built aside; this
     * table is unchanged. Shares every segment it does not write, and the arena: the new nodes are
     * appended to it. Rebuilds, into a new arena, when the table would grow past three quarters
     * full or when dead nodes would be more than half of the arena.
     */
    NameTable patched(Map<WireKey, Node> changes, int entryNames) {
        int size = this.size;
        long live = liveBytes;
        for (Map.Entry<WireKey, Node> change : changes.entrySet()) {
            int slot = slotOf(change.getKey().wire());
            if (slot >= 0) {
                live -= encodedLength(nodeAt(slot));
            }
            size += change.getValue() == null ? (slot >= 0 ? -1 : 0) : (slot >= 0 ? 0 : 1);
        }
        if (size * 4L > (mask + 1) * 3L || arena.written() - live > live + NodeArena.CHUNK_BYTES) {
            return rebuilt(changes, entryNames, size);
        }
        Encoder encoder = new Encoder(arena, zones, reasons);
        Segment[] patched = segments.clone();
        boolean[] copied = new boolean[segments.length];
        for (Map.Entry<WireKey, Node> change : changes.entrySet()) {
            byte[] key = change.getKey().wire();
            // The chunks as they are now: the nodes this patch appended may lie in a chunk added since.
            int slot = slotOf(patched, mask, encoder.arena.chunks(), key);
            if (change.getValue() == null) {
                if (slot >= 0) {
                    delete(patched, mask, slot, copied);
                }
                continue;
            }
            int address = encoder.encode(key, change.getValue());
            live += encoder.lastLength;
            if (slot >= 0) {
                writable(patched, slot, copied).nodes[slot & segmentMask] = address + 1;
            } else {
                insert(patched, mask, address, WireName.hash(key, 0, key.length), copied);
            }
        }
        return new NameTable(patched, mask + 1, size, entryNames, problems, encoder, live);
    }

    /** Every name again, into a new arena: what the changes leave, then the changes. */
    private NameTable rebuilt(Map<WireKey, Node> changes, int entryNames, int size) {
        Writer writer = new Writer(size);
        forEachNode(address -> {
            byte[] key = key(address);
            if (!changes.containsKey(new WireKey(key))) {
                writer.put(key, decode(address));
            }
        });
        changes.forEach((key, node) -> {
            if (node != null) {
                writer.put(key.wire(), node);
            }
        });
        return writer.finish(entryNames, problems);
    }

    /** The segment of the slot, copied first unless this patch copied it already. */
    private static Segment writable(Segment[] segments, int slot, boolean[] copied) {
        int index = slot >>> SEGMENT_BITS;
        if (copied != null && !copied[index]) {
            segments[index] = segments[index].copy();
            copied[index] = true;
        }
        return segments[index];
    }

    private static void insert(Segment[] segments, int mask, int address, int hash, boolean[] copied) {
        int segmentMask = Math.min(mask + 1, SEGMENT_SLOTS) - 1;
        int slot = hash & mask;
        while (segments[slot >>> SEGMENT_BITS].nodes[slot & segmentMask] != 0) {
            slot = (slot + 1) & mask;
        }
        put(segments, segmentMask, slot, address + 1, hash, copied);
    }

    private static void put(Segment[] segments, int segmentMask, int slot, int node, int hash, boolean[] copied) {
        Segment segment = writable(segments, slot, copied);
        int i = slot & segmentMask;
        segment.nodes[i] = node;
        segment.hashes[i] = hash;
    }

    /** The node address at an occupied slot. */
    private int nodeAt(int slot) {
        return segments[slot >>> SEGMENT_BITS].nodes[slot & segmentMask] - 1;
    }

    private int slotOf(byte[] key) {
        return slotOf(segments, mask, chunks, key);
    }

    private static int slotOf(Segment[] segments, int mask, byte[][] chunks, byte[] key) {
        int segmentMask = Math.min(mask + 1, SEGMENT_SLOTS) - 1;
        int h = WireName.hash(key, 0, key.length);
        for (int slot = h & mask; ; slot = (slot + 1) & mask) {
            Segment segment = segments[slot >>> SEGMENT_BITS];
            int i = slot & segmentMask;
            int node = segment.nodes[i];
            if (node == 0) {
                return -1;
            }
            if (segment.hashes[i] == h && sameName(chunks, node - 1, key, 0, key.length)) {
                return slot;
            }
        }
    }

    /** Linear-probing delete by backward shift: later keys of the run move up, no tombstones. */
    private static void delete(Segment[] segments, int mask, int slot, boolean[] copied) {
        int segmentMask = Math.min(mask + 1, SEGMENT_SLOTS) - 1;
        int hole = slot;
        for (int next = (hole + 1) & mask; ; next = (next + 1) & mask) {
            Segment at = segments[next >>> SEGMENT_BITS];
            int i = next & segmentMask;
            if (at.nodes[i] == 0) {
                break;
            }
            int home = at.hashes[i] & mask;
            // The key at `next` may fill the hole unless its home lies cyclically in (hole, next].
            boolean stays = hole <= next ? hole < home && home <= next : hole < home || home <= next;
            if (!stays) {
                put(segments, segmentMask, hole, at.nodes[i], at.hashes[i], copied);
                hole = next;
            }
        }
        put(segments, segmentMask, hole, 0, 0, copied);
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

    /** Whether this table shares its arena with {@code other}: true after a patch that did not rebuild. */
    boolean sharesArenaWith(NameTable other) {
        return arena == other.arena;
    }

    private void forEachNode(IntConsumer action) {
        for (Segment segment : segments) {
            for (int node : segment.nodes) {
                if (node != 0) {
                    action.accept(node - 1);
                }
            }
        }
    }

    /**
     * The node of the wire name {@code buf[from..to)} (ending with its zero byte), compared
     * case-insensitively, or -1. {@code hash} is {@link WireName#hash} of the same bytes. The
     * query's bytes are compared in place, so a hit allocates nothing. Read the node with this
     * table's accessors ({@link #zone}, {@link #rrset}, ...); it is the address of what follows
     * the node's name, so they need not read the name's length again.
     */
    public int find(byte[] buf, int from, int to, int hash) {
        int len = to - from;
        for (int slot = hash & mask; ; slot = (slot + 1) & mask) {
            Segment segment = segments[slot >>> SEGMENT_BITS];
            int i = slot & segmentMask;
            int node = segment.nodes[i];
            if (node == 0) {
                return -1;
            }
            if (segment.hashes[i] == hash && sameName(chunks, node - 1, buf, from, len)) {
                return node + len; // the name's length byte and the name skipped
            }
        }
    }

    private static boolean sameName(byte[][] chunks, int node, byte[] buf, int from, int len) {
        byte[] chunk = chunks[node >>> NodeArena.CHUNK_BITS];
        int at = node & NodeArena.OFFSET_MASK;
        if ((chunk[at] & 0xff) != len) {
            return false;
        }
        at++;
        // Names are nearly always asked in lower case: one vectorized comparison, then case by case.
        if (Arrays.equals(chunk, at, at + len, buf, from, from + len)) {
            return true;
        }
        for (int i = 0; i < len; i++) {
            if ((chunk[at + i] & 0xff) != WireName.lower(buf[from + i] & 0xff)) {
                return false;
            }
        }
        return true;
    }

    /** The bytes the node's RRsets lie in: the array {@link #rrset} positions are into. */
    public byte[] bytes(int node) {
        return chunks[node >>> NodeArena.CHUNK_BITS];
    }

    /** Position of the zone index, flags and counts of the node stored at {@code node}, after its name. */
    private int fields(int node) {
        byte[] chunk = chunks[node >>> NodeArena.CHUNK_BITS];
        int at = node & NodeArena.OFFSET_MASK;
        return at + 1 + (chunk[at] & 0xff);
    }

    /** The zone the node belongs to. */
    public Zone zone(int node) {
        byte[] chunk = bytes(node);
        int at = node & NodeArena.OFFSET_MASK;
        return zones[u24(chunk, at)];
    }

    /** True for an empty non-terminal: a name with no records of its own, only names below it. */
    public boolean isEmptyNonTerminal(int node) {
        byte[] chunk = bytes(node);
        int at = node & NodeArena.OFFSET_MASK;
        return chunk[at + 3] == 0 && chunk[at + 4] == 0 && chunk[at + 5] == 0;
    }

    /**
     * Position in {@link #bytes} of the node's RRset of this type, or -1; {@link #rrsetLength} and
     * {@link #recordCount} read it. The RRset's owner is a compression pointer to the question.
     */
    public int rrset(int node, int type) {
        byte[] chunk = bytes(node);
        int at = node & NodeArena.OFFSET_MASK;
        int n = chunk[at + 4] & 0xff;
        for (int i = 0, pos = at + 6; i < n; i++) {
            if (u16(chunk, pos) == type) {
                return pos + RRSET_HEADER;
            }
            pos += RRSET_HEADER + u16(chunk, pos + 4);
        }
        return -1;
    }

    /** The node's first RRset (the one a minimal ANY answer returns), or -1 when it has none. */
    public int firstRrset(int node) {
        byte[] chunk = bytes(node);
        int at = node & NodeArena.OFFSET_MASK;
        return chunk[at + 4] == 0 ? -1 : at + 6 + RRSET_HEADER;
    }

    /** Bytes of the RRset at {@code at} (from {@link #rrset}) in {@code bytes}. */
    public static int rrsetLength(byte[] bytes, int at) {
        return u16(bytes, at - 2);
    }

    /** Records of the RRset at {@code at} (from {@link #rrset}) in {@code bytes}. */
    public static int recordCount(byte[] bytes, int at) {
        return u16(bytes, at - 4);
    }

    /**
     * The Extended DNS Error option (code, length, info-code, text; RFC 8914) to answer with
     * SERVFAIL when this type exists but its service has no VIP of that family, or null when it is
     * not unavailable.
     */
    public byte[] unavailable(int node, int type) {
        byte[] chunk = bytes(node);
        int at = node & NodeArena.OFFSET_MASK;
        int m = chunk[at + 5] & 0xff;
        if (m == 0) {
            return null;
        }
        int pos = at + 6;
        for (int i = chunk[at + 4] & 0xff; i > 0; i--) {
            pos += RRSET_HEADER + u16(chunk, pos + 4);
        }
        for (int i = 0; i < m; i++, pos += UNAVAILABLE_BYTES) {
            if (u16(chunk, pos) == type) {
                return reasons[u24(chunk, pos + 2)];
            }
        }
        return null;
    }

    /** The node's name in lower-case wire form (allocates). */
    private byte[] key(int node) {
        byte[] chunk = bytes(node);
        int at = node & NodeArena.OFFSET_MASK;
        return Arrays.copyOfRange(chunk, at + 1, at + 1 + (chunk[at] & 0xff));
    }

    /** Bytes the node takes in the arena. */
    private int encodedLength(int node) {
        byte[] chunk = bytes(node);
        int at = fields(node);
        int pos = at + 6;
        for (int i = chunk[at + 4] & 0xff; i > 0; i--) {
            pos += RRSET_HEADER + u16(chunk, pos + 4);
        }
        pos += UNAVAILABLE_BYTES * (chunk[at + 5] & 0xff);
        return pos - (node & NodeArena.OFFSET_MASK);
    }

    /** The node as an object, for patches, tests and debug views (allocates). */
    private Node decode(int node) {
        byte[] chunk = bytes(node);
        int at = fields(node);
        int n = chunk[at + 4] & 0xff;
        int m = chunk[at + 5] & 0xff;
        Zone zone = zones[u24(chunk, at)];
        boolean owned = (chunk[at + 3] & OWNED) != 0;
        if (!owned && n == 0 && m == 0) {
            return zone.emptyNonTerminal();
        }
        int[] shape = new int[2 * n];
        byte[][] rrsets = new byte[n][];
        int pos = at + 6;
        for (int i = 0; i < n; i++) {
            int length = u16(chunk, pos + 4);
            shape[i] = u16(chunk, pos);
            shape[n + i] = u16(chunk, pos + 2);
            rrsets[i] = Arrays.copyOfRange(chunk, pos + RRSET_HEADER, pos + RRSET_HEADER + length);
            pos += RRSET_HEADER + length;
        }
        int[] unavailableTypes = new int[m];
        byte[][] why = new byte[m][];
        for (int i = 0; i < m; i++, pos += UNAVAILABLE_BYTES) {
            unavailableTypes[i] = u16(chunk, pos);
            why[i] = reasons[u24(chunk, pos + 2)];
        }
        return new Node(zone, owned, shape, rrsets, unavailableTypes, why);
    }

    /** The node of a name in lower-case wire form, as an object (allocates), or null. */
    Node node(byte[] wire) {
        int node = find(wire, 0, wire.length, WireName.hash(wire, 0, wire.length));
        return node < 0 ? null : decode(node - 1 - wire.length);
    }

    /** Convenience lookup by dotted name, for tests and debug views (allocates). */
    public Node find(String dotted) {
        return node(WireName.of(dotted));
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
        forEachNode(node -> out.add(WireName.toDotted(key(node))));
        return out;
    }

    /**
     * Writes a new table node by node, for a full build: each node is encoded as it is put, so the
     * build holds no object per name while it goes on. Not thread-safe; one table per writer.
     */
    static final class Writer {
        private final Encoder encoder = new Encoder(new NodeArena(), new Zone[0], new byte[0][]);
        private int[] slots; // address plus one, 0: empty
        private int mask;
        private int size;
        /** The addresses and hashes in the order written. */
        private int[] order = new int[16];
        private int[] orderHashes = new int[16];
        private long live;

        /** Room for about {@code expected} names before the slots grow. */
        Writer(int expected) {
            slots = new int[capacityFor(expected)];
            mask = slots.length - 1;
        }

        int size() {
            return size;
        }

        /** Writes the name's node; a name written before is a bug of the caller. */
        void put(byte[] wire, Node node) {
            if (!putIfAbsent(wire, node)) {
                throw new IllegalStateException("name " + WireName.toDotted(wire) + " written twice");
            }
        }

        /** Writes the name's node unless the name has one; returns whether it wrote. */
        boolean putIfAbsent(byte[] wire, Node node) {
            int hash = WireName.hash(wire, 0, wire.length);
            int slot = slotOf(wire, hash);
            if (slot >= 0) {
                return false;
            }
            int address = encoder.encode(wire, node);
            live += encoder.lastLength;
            slots[-slot - 1] = address + 1;
            if (size == order.length) {
                order = Arrays.copyOf(order, size * 2);
                orderHashes = Arrays.copyOf(orderHashes, size * 2);
            }
            order[size] = address;
            orderHashes[size] = hash;
            size++;
            if (size * 4L > slots.length * 3L) {
                grow();
            }
            return true;
        }

        /** The name and zone of each of the first {@code count} nodes written, in the order written. */
        void forEach(int count, NameVisitor action) {
            for (int i = 0; i < count; i++) {
                byte[] chunk = encoder.arena.chunks()[order[i] >>> NodeArena.CHUNK_BITS];
                int at = order[i] & NodeArena.OFFSET_MASK;
                int length = chunk[at] & 0xff;
                Zone zone = encoder.zoneAt(u24(chunk, at + 1 + length));
                action.accept(chunk, at + 1, at + 1 + length, zone);
            }
        }

        /**
         * A name written, as the bytes {@code buf[from..to)} of the arena it lies in, read in place: do
         * not modify them, and copy what is kept (what the visitor writes meanwhile leaves them as they are).
         */
        interface NameVisitor {
            void accept(byte[] buf, int from, int to, Zone zone);
        }

        /** The table of every node written; write nothing after. */
        NameTable finish(int entryNames, List<String> problems) {
            int capacity = capacityFor(size);
            Segment[] segments = emptySegments(capacity);
            for (int i = 0; i < size; i++) {
                insert(segments, capacity - 1, order[i], orderHashes[i], null);
            }
            return new NameTable(segments, capacity, size, entryNames, List.copyOf(problems), encoder, live);
        }

        /** The slot holding the name, or minus one minus the free slot where it would go. */
        private int slotOf(byte[] wire, int hash) {
            byte[][] chunks = encoder.arena.chunks();
            for (int slot = hash & mask; ; slot = (slot + 1) & mask) {
                int node = slots[slot];
                if (node == 0) {
                    return -slot - 1;
                }
                if (sameName(chunks, node - 1, wire, 0, wire.length)) {
                    return slot;
                }
            }
        }

        private void grow() {
            slots = new int[slots.length * 2];
            mask = slots.length - 1;
            for (int i = 0; i < size; i++) {
                int slot = orderHashes[i] & mask;
                while (slots[slot] != 0) {
                    slot = (slot + 1) & mask;
                }
                slots[slot] = order[i] + 1;
            }
        }
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
    }

    private static int u24(byte[] b, int at) {
        return (b[at] & 0xff) << 16 | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff);
    }

    /**
     * Writes nodes into an arena, numbering the zones and reasons they name: those of the table
     * patched keep their indexes, new ones are appended. Not thread-safe.
     */
    private static final class Encoder {
        final NodeArena arena;
        private final Numbering<Zone> zones;
        private final Numbering<byte[]> reasons;
        /** Bytes of the node {@link #encode} wrote last. */
        int lastLength;

        Encoder(NodeArena arena, Zone[] zones, byte[][] reasons) {
            this.arena = arena;
            this.zones = new Numbering<>(zones, new IdentityHashMap<>(), zone -> zone, "zones");
            this.reasons = new Numbering<>(reasons, new HashMap<>(), ReasonKey::new, "distinct unavailable reasons");
        }

        static int length(byte[] wire, Node node) {
            int length = 1 + wire.length + 6 + UNAVAILABLE_BYTES * node.unavailableCount();
            for (int i = 0; i < node.rrsetCount(); i++) {
                length += RRSET_HEADER + node.rrset(i).length;
            }
            return length;
        }

        /** Writes the node of this name; returns its address. */
        int encode(byte[] wire, Node node) {
            int n = node.rrsetCount();
            int m = node.unavailableCount();
            if (wire.length > 255 || n > 255 || m > 255) {
                throw new IllegalArgumentException("name " + WireName.toDotted(wire) + ": " + n + " RRsets and " + m
                        + " unavailable types do not fit a node");
            }
            int length = length(wire, node);
            int address = arena.reserve(length);
            byte[] chunk = arena.chunks()[address >>> NodeArena.CHUNK_BITS];
            int pos = address & NodeArena.OFFSET_MASK;
            chunk[pos++] = (byte) wire.length;
            System.arraycopy(wire, 0, chunk, pos, wire.length);
            pos += wire.length;
            pos = putU24(chunk, pos, zones.of(node.zone()));
            chunk[pos++] = (byte) (node.owned() ? OWNED : 0);
            chunk[pos++] = (byte) n;
            chunk[pos++] = (byte) m;
            for (int i = 0; i < n; i++) {
                byte[] rrset = node.rrset(i);
                if (rrset.length > 0xffff || node.recordCount(i) > 0xffff) {
                    throw new IllegalArgumentException("name " + WireName.toDotted(wire) + ": an RRset of "
                            + rrset.length + " bytes does not fit a node");
                }
                pos = putU16(chunk, pos, node.type(i));
                pos = putU16(chunk, pos, node.recordCount(i));
                pos = putU16(chunk, pos, rrset.length);
                System.arraycopy(rrset, 0, chunk, pos, rrset.length);
                pos += rrset.length;
            }
            for (int i = 0; i < m; i++) {
                pos = putU16(chunk, pos, node.unavailableType(i));
                pos = putU24(chunk, pos, reasons.of(node.unavailableReason(i)));
            }
            lastLength = length;
            return address;
        }

        Zone zoneAt(int index) {
            return zones.at(index);
        }

        /** The zones numbered so far, in index order; the array is not written after. */
        Zone[] zones() {
            return zones.values();
        }

        byte[][] reasons() {
            return reasons.values();
        }

        private static int putU16(byte[] b, int at, int v) {
            b[at] = (byte) (v >>> 8);
            b[at + 1] = (byte) v;
            return at + 2;
        }

        private static int putU24(byte[] b, int at, int v) {
            b[at] = (byte) (v >>> 16);
            b[at + 1] = (byte) (v >>> 8);
            b[at + 2] = (byte) v;
            return at + 3;
        }
    }

    /**
     * Numbers values in the order first seen, after those of the array it starts from (which it
     * never writes: a new value goes into a copy). Not thread-safe.
     */
    private static final class Numbering<T> {
        private T[] values;
        private int count;
        private final Map<Object, Integer> index;
        private final Function<T, Object> key;
        private final String what;

        Numbering(T[] values, Map<Object, Integer> index, Function<T, Object> key, String what) {
            this.values = values;
            this.count = values.length;
            this.index = index;
            this.key = key;
            this.what = what;
        }

        int of(T value) {
            if (index.isEmpty()) {
                for (int i = 0; i < count; i++) {
                    index.put(key.apply(values[i]), i);
                }
            }
            Integer known = index.get(key.apply(value));
            if (known != null) {
                return known;
            }
            if (count == MAX_INDEX) {
                throw new IllegalStateException("more than " + MAX_INDEX + " " + what);
            }
            if (count == values.length) {
                values = Arrays.copyOf(values, Math.max(4, count * 2));
            }
            values[count] = value;
            index.put(key.apply(value), count);
            return count++;
        }

        T at(int i) {
            return values[i];
        }

        /** The values numbered so far, in index order; the array is not written after. */
        T[] values() {
            return count == values.length ? values : Arrays.copyOf(values, count);
        }
    }

    /** A reason's bytes as a map key. */
    private record ReasonKey(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof ReasonKey other && Arrays.equals(bytes, other.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }
}
