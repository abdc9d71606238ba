package dev.meshdns.table;

import static dev.meshdns.wire.Wire.TYPE_A;
import static dev.meshdns.wire.Wire.TYPE_AAAA;
import static dev.meshdns.wire.Wire.TYPE_NS;
import static dev.meshdns.wire.Wire.TYPE_PTR;
import static dev.meshdns.wire.Wire.TYPE_SOA;

import java.util.Arrays;

/** A {@link Node} being built: RRsets grow record by record. Not thread-safe. */
final class Draft {
    private static final int[] NO_TYPES = {};
    private static final byte[][] NO_BYTES = {};
    /**
     * The shapes (types, then counts) nearly every node has (a service name: one A record, maybe one
     * AAAA; a PTR name: one PTR), shared by the nodes: a million names need not hold a million
     * copies. Never written.
     */
    private static final int[][] SHARED = {{TYPE_A, 1}, {TYPE_AAAA, 1}, {TYPE_A, TYPE_AAAA, 1, 1}, {TYPE_PTR, 1},
        {TYPE_SOA, TYPE_NS, 1, 1}};
    final Zone zone;
    String service;
    // Small parallel arrays, not maps: a table has hundreds of thousands of drafts, most of them
    // with one RRset or none.
    private int[] types = NO_TYPES;
    private byte[][] rrsets = NO_BYTES;
    private int[] counts = NO_TYPES;
    private int[] unavailableTypes = NO_TYPES;
    private byte[][] reasons = NO_BYTES;

    Draft(Zone zone, String service) {
        this.zone = zone;
        this.service = service;
    }

    /** An empty non-terminal of the zone: one node the zone's empty non-terminals share. */
    static Node emptyNonTerminal(Zone zone) {
        return zone.emptyNonTerminal();
    }

    void unavailable(int type, String why) {
        unavailableTypes = Arrays.copyOf(unavailableTypes, unavailableTypes.length + 1);
        unavailableTypes[unavailableTypes.length - 1] = type;
        reasons = Arrays.copyOf(reasons, reasons.length + 1);
        reasons[reasons.length - 1] = ExtendedError.of(ExtendedError.OTHER, why);
    }

    void add(int type, byte[] record) {
        for (int i = 0; i < types.length; i++) {
            if (types[i] == type) {
                byte[] joined = Arrays.copyOf(rrsets[i], rrsets[i].length + record.length);
                System.arraycopy(record, 0, joined, rrsets[i].length, record.length);
                rrsets[i] = joined;
                counts[i]++;
                return;
            }
        }
        int n = types.length;
        types = Arrays.copyOf(types, n + 1);
        rrsets = Arrays.copyOf(rrsets, n + 1);
        counts = Arrays.copyOf(counts, n + 1);
        types[n] = type;
        rrsets[n] = record;
        counts[n] = 1;
    }

    Node toNode() {
        if (service == null && types.length == 0 && unavailableTypes.length == 0) {
            return zone.emptyNonTerminal();
        }
        int[] shape = Arrays.copyOf(types, types.length * 2);
        System.arraycopy(counts, 0, shape, types.length, counts.length);
        return new Node(zone, service != null, shared(shape), rrsets, unavailableTypes, reasons);
    }

    private static int[] shared(int[] values) {
        for (int[] shared : SHARED) {
            if (Arrays.equals(shared, values)) {
                return shared;
            }
        }
        return values;
    }
}
