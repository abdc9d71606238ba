package dev.meshdns.table;

import dev.meshdns.catalog.ServiceEntry;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Immutable snapshot of every name the server answers, keyed by lower-case wire name, with the
 * answers prepared when it is built. Lookups compare the query's bytes in place (case-folded), so a
 * hit allocates nothing. Thread-safe: built aside, published with one volatile write.
 */
public final class NameTable {
    private final byte[][] keys;
    private final int[] hashes;
    private final Node[] nodes;
    private final int mask;
    private final int size;
    private final int entryNames;
    private final List<String> problems;

    NameTable(List<byte[]> names, List<Node> values, int entryNames, List<String> problems) {
        this(new byte[capacityFor(names.size())][], names.size(), entryNames, List.copyOf(problems));
        for (int i = 0; i < names.size(); i++) {
            insert(names.get(i), values.get(i));
        }
    }

    private NameTable(byte[][] keys, int size, int entryNames, List<String> problems) {
        this.keys = keys;
        this.hashes = new int[keys.length];
        this.nodes = new Node[keys.length];
        this.mask = keys.length - 1;
        this.size = size;
        this.entryNames = entryNames;
        this.problems = problems;
    }

    private NameTable(NameTable base, int size, int entryNames) {
        this.keys = base.keys.clone();
        this.hashes = base.hashes.clone();
        this.nodes = base.nodes.clone();
        this.mask = base.mask;
        this.size = size;
        this.entryNames = entryNames;
        this.problems = base.problems;
    }

    /** Room for twice the names, a power of two: probes stay short. */
    private static int capacityFor(int names) {
        return Integer.highestOneBit(Math.max(4, names * 2 - 1)) << 1;
    }

    /**
     * A copy with these names changed: a node puts the name, null removes it. Built aside; this
     * table is unchanged. Copies the slot arrays, so it costs a few milliseconds per million
     * slots however small the change; it rebuilds when the table would grow past half full.
     */
    NameTable patched(Map<WireKey, Node> changes, int entryNames) {
        int size = this.size;
        for (Map.Entry<WireKey, Node> change : changes.entrySet()) {
            boolean present = slotOf(change.getKey().wire()) >= 0;
            size += change.getValue() == null ? (present ? -1 : 0) : (present ? 0 : 1);
        }
        if (size * 2 > keys.length) {
            List<byte[]> names = new ArrayList<>(size);
            List<Node> values = new ArrayList<>(size);
            for (int slot = 0; slot < keys.length; slot++) {
                if (keys[slot] != null && !changes.containsKey(new WireKey(keys[slot]))) {
                    names.add(keys[slot]);
                    values.add(nodes[slot]);
                }
            }
            changes.forEach((key, node) -> {
                if (node != null) {
                    names.add(key.wire());
                    values.add(node);
                }
            });
            return new NameTable(names, values, entryNames, problems);
        }
        NameTable copy = new NameTable(this, size, entryNames);
        changes.forEach((key, node) -> {
            int slot = copy.slotOf(key.wire());
            if (node == null) {
                if (slot >= 0) {
                    copy.delete(slot);
                }
            } else if (slot >= 0) {
                copy.nodes[slot] = node;
            } else {
                copy.insert(key.wire(), node);
            }
        });
        return copy;
    }

    private void insert(byte[] key, Node node) {
        int h = WireName.hash(key, 0, key.length);
        int slot = h & mask;
        while (keys[slot] != null) {
            slot = (slot + 1) & mask;
        }
        keys[slot] = key;
        hashes[slot] = h;
        nodes[slot] = node;
    }

    private int slotOf(byte[] key) {
        int h = WireName.hash(key, 0, key.length);
        for (int slot = h & mask; keys[slot] != null; slot = (slot + 1) & mask) {
            if (hashes[slot] == h && java.util.Arrays.equals(keys[slot], key)) {
                return slot;
            }
        }
        return -1;
    }

    /** Linear-probing delete by backward shift: later keys of the run move up, no tombstones. */
    private void delete(int slot) {
        int hole = slot;
        for (int next = (hole + 1) & mask; keys[next] != null; next = (next + 1) & mask) {
            int home = hashes[next] & mask;
            // The key at `next` may fill the hole unless its home lies cyclically in (hole, next].
            boolean stays = hole <= next ? hole < home && home <= next : hole < home || home <= next;
            if (!stays) {
                keys[hole] = keys[next];
                hashes[hole] = hashes[next];
                nodes[hole] = nodes[next];
                hole = next;
            }
        }
        keys[hole] = null;
        hashes[hole] = 0;
        nodes[hole] = null;
    }

    /** The table before the first catalog is loaded: zone names answer SERVFAIL. */
    public static NameTable notReady(ZoneSpec spec) {
        return new NameTableBuilder(spec, false).build().table();
    }

    /**
     * Builds the table for these entries with the addresses of each service; an entry missing
     * from {@code vips} is left out. Name collisions are left out and listed in {@link #problems}.
     */
    public static NameTable build(ZoneSpec spec, List<ServiceEntry> entries, Map<String, ServiceVips> vips) {
        return LiveTable.build(spec, entries, vips).table();
    }

    /**
     * IPv4 only: {@code vips} maps a service to its IPv4 VIP; a service in {@code unallocated} has
     * none and its names answer SERVFAIL with the reason instead of a made-up address.
     */
    public static NameTable build(ZoneSpec spec, List<ServiceEntry> entries, Map<String, InetAddress> vips,
                                  Map<String, String> unallocated) {
        Map<String, ServiceVips> all = new HashMap<>();
        for (ServiceEntry entry : entries) {
            InetAddress v4 = vips.get(entry.service());
            all.put(entry.service(), new ServiceVips(v4 instanceof Inet4Address a ? a : null, null,
                    unallocated.get(entry.service()), null));
        }
        return build(spec, entries, all);
    }

    /**
     * The node for the wire name {@code buf[from..to)} (ending with its zero byte), compared
     * case-insensitively, or null. {@code hash} is {@link WireName#hash} of the same bytes.
     */
    public Node find(byte[] buf, int from, int to, int hash) {
        int len = to - from;
        for (int slot = hash & mask; ; slot = (slot + 1) & mask) {
            byte[] key = keys[slot];
            if (key == null) {
                return null;
            }
            if (hashes[slot] == hash && key.length == len && sameName(key, buf, from)) {
                return nodes[slot];
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
        for (byte[] key : keys) {
            if (key != null) {
                out.add(WireName.toDotted(key));
            }
        }
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
