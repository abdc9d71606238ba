package dev.meshdns.table;

/**
 * One name of a {@link NameTable} and its prepared answers: per record type, the RRset in wire
 * form with the owner written as a compression pointer to the question (offset 12), so a reply is
 * the question followed by these bytes. A node without RRsets is an empty non-terminal. Immutable
 * and thread-safe.
 */
public final class Node {
    private final Zone zone;
    private final boolean servfail;
    private final int[] types;
    private final byte[][] rrsets;
    private final int[] counts;

    Node(Zone zone, boolean servfail, int[] types, byte[][] rrsets, int[] counts) {
        this.zone = zone;
        this.servfail = servfail;
        this.types = types;
        this.rrsets = rrsets;
        this.counts = counts;
    }

    /** The zone this name belongs to. */
    public Zone zone() {
        return zone;
    }

    /** True when the name exists but cannot be answered (its service has no VIP). */
    public boolean servfail() {
        return servfail;
    }

    /** Index of the RRset of this type, or -1. */
    public int indexOf(int type) {
        for (int i = 0; i < types.length; i++) {
            if (types[i] == type) {
                return i;
            }
        }
        return -1;
    }

    /** Number of RRsets; RRset 0 is the one a minimal ANY answer (RFC 8482) returns. */
    public int rrsetCount() {
        return types.length;
    }

    public int type(int index) {
        return types[index];
    }

    /** The RRset's records in wire form; do not modify. */
    public byte[] rrset(int index) {
        return rrsets[index];
    }

    public int recordCount(int index) {
        return counts[index];
    }
}
