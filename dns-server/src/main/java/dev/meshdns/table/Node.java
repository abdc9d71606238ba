package dev.meshdns.table;

/**
 * One name's prepared answers: per record type, the RRset in wire form with the owner written as a
 * compression pointer to the question (offset 12), so a reply is the question followed by these
 * bytes. What a build or patch hands a {@link NameTable}, which keeps it encoded in its arena, and
 * what the table gives back for patches, tests and debug views; queries read the encoded form.
 * Immutable and thread-safe.
 */
public final class Node {
    private final Zone zone;
    private final boolean owned;
    /** The RRsets' types, then their record counts: {@code {A, 1}} for most names (one shared array). */
    private final int[] shape;
    /** The one RRset's bytes (a byte[]: nearly every name has one RRset) or every RRset's (a byte[][]). */
    private final Object rrsets;
    /** The types answered SERVFAIL and why; null for nearly every name. */
    private final Unavailable unavailable;

    private record Unavailable(int[] types, byte[][] reasons) {
    }

    /** {@code shape}: the types, then the counts; do not modify any array given. */
    Node(Zone zone, boolean owned, int[] shape, byte[][] rrsets, int[] unavailableTypes, byte[][] unavailableReasons) {
        this.zone = zone;
        this.owned = owned;
        this.shape = shape;
        this.rrsets = rrsets.length == 1 ? rrsets[0] : rrsets;
        this.unavailable = unavailableTypes.length == 0 ? null : new Unavailable(unavailableTypes, unavailableReasons);
    }

    /** The zone this name belongs to. */
    public Zone zone() {
        return zone;
    }

    /** True when a service owns this name (or PTR name); false for a zone apex of its own or an empty non-terminal. */
    boolean owned() {
        return owned;
    }

    /** True for an empty non-terminal: a name with no records of its own, only names below it. */
    public boolean isEmptyNonTerminal() {
        return !owned && shape.length == 0 && unavailable == null;
    }

    /** Index of the RRset of this type, or -1. */
    public int indexOf(int type) {
        int n = shape.length >> 1;
        for (int i = 0; i < n; i++) {
            if (shape[i] == type) {
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
        if (unavailable == null) {
            return null;
        }
        for (int i = 0; i < unavailable.types.length; i++) {
            if (unavailable.types[i] == type) {
                return unavailable.reasons[i];
            }
        }
        return null;
    }

    /** Number of RRsets; RRset 0 is the one a minimal ANY answer (RFC 8482) returns. */
    public int rrsetCount() {
        return shape.length >> 1;
    }

    public int type(int index) {
        return shape[index];
    }

    /** The RRset's records in wire form; do not modify. */
    public byte[] rrset(int index) {
        return rrsets instanceof byte[] one ? one : ((byte[][]) rrsets)[index];
    }

    public int recordCount(int index) {
        return shape[(shape.length >> 1) + index];
    }

    int unavailableCount() {
        return unavailable == null ? 0 : unavailable.types.length;
    }

    int unavailableType(int index) {
        return unavailable.types[index];
    }

    byte[] unavailableReason(int index) {
        return unavailable.reasons[index];
    }
}
