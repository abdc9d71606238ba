package dev.meshdns.table;

/**
 * One name of a {@link NameTable} and its prepared answers: per record type, the RRset in wire
 * form with the owner written as a compression pointer to the question (offset 12), so a reply is
 * the question followed by these bytes. Immutable and thread-safe.
 */
public final class Node {
    private final Zone zone;
    private final String owner;
    private final int[] types;
    /** The one RRset's bytes (a byte[]: nearly every name has one RRset) or every RRset's (a byte[][]). */
    private final Object rrsets;
    private final int[] counts;
    private final int[] unavailableTypes;
    private final byte[][] unavailableReasons;

    Node(Zone zone, String owner, int[] types, byte[][] rrsets, int[] counts, int[] unavailableTypes,
         byte[][] unavailableReasons) {
        this.zone = zone;
        this.owner = owner;
        this.types = types;
        this.rrsets = rrsets.length == 1 ? rrsets[0] : rrsets;
        this.counts = counts;
        this.unavailableTypes = unavailableTypes;
        this.unavailableReasons = unavailableReasons;
    }

    /** The zone this name belongs to. */
    public Zone zone() {
        return zone;
    }

    /** The service whose name (or PTR name) this is; null for a zone apex of its own or an empty non-terminal. */
    String owner() {
        return owner;
    }

    /** True for an empty non-terminal: a name with no records of its own, only names below it. */
    public boolean isEmptyNonTerminal() {
        return owner == null && types.length == 0 && unavailableTypes.length == 0;
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

    /**
     * The Extended DNS Error option (code, length, info-code, text; RFC 8914) to answer with
     * SERVFAIL when this type exists but its service has no VIP of that family, or null when it is
     * not unavailable.
     */
    public byte[] unavailable(int type) {
        for (int i = 0; i < unavailableTypes.length; i++) {
            if (unavailableTypes[i] == type) {
                return unavailableReasons[i];
            }
        }
        return null;
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
        return rrsets instanceof byte[] one ? one : ((byte[][]) rrsets)[index];
    }

    public int recordCount(int index) {
        return counts[index];
    }
}
