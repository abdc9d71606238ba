package dev.meshdns.table;

import java.util.Arrays;

/** A {@link Node} being built: RRsets grow record by record. Not thread-safe. */
final class Draft {
    private static final int[] NO_TYPES = {};
    private static final byte[][] NO_BYTES = {};
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

    /** An empty non-terminal of the zone. */
    static Node emptyNonTerminal(Zone zone) {
        return new Draft(zone, null).toNode();
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
        return new Node(zone, service, types, rrsets, counts, unavailableTypes, reasons);
    }
}
