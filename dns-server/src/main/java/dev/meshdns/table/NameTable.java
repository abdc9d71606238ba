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
        int capacity = Integer.highestOneBit(Math.max(4, names.size() * 2 - 1)) << 1;
        this.keys = new byte[capacity][];
        this.hashes = new int[capacity];
        this.nodes = new Node[capacity];
        this.mask = capacity - 1;
        this.size = names.size();
        this.entryNames = entryNames;
        this.problems = List.copyOf(problems);
        for (int i = 0; i < names.size(); i++) {
            byte[] key = names.get(i);
            int h = WireName.hash(key, 0, key.length);
            int slot = h & mask;
            while (keys[slot] != null) {
                slot = (slot + 1) & mask;
            }
            keys[slot] = key;
            hashes[slot] = h;
            nodes[slot] = values.get(i);
        }
    }

    /** The table before the first catalog is loaded: zone names answer SERVFAIL. */
    public static NameTable notReady(ZoneSpec spec) {
        return new NameTableBuilder(spec, false).build();
    }

    /**
     * Builds the table for these entries with the addresses of each service; an entry missing
     * from {@code vips} is left out. Name collisions are left out and listed in {@link #problems}.
     */
    public static NameTable build(ZoneSpec spec, List<ServiceEntry> entries, Map<String, ServiceVips> vips) {
        NameTableBuilder builder = new NameTableBuilder(spec, true);
        for (ServiceEntry entry : entries) {
            builder.add(entry, vips.get(entry.service()));
        }
        return builder.build();
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
