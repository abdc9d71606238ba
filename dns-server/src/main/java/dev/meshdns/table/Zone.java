package dev.meshdns.table;

/**
 * A zone the server is authoritative for (the mesh zone, a reverse zone of the VIP pool, or an
 * out-of-zone hostname of an entry), with its SOA record prepared for the authority section of
 * negative answers. Immutable and thread-safe.
 */
public final class Zone {
    private final byte[] apex;
    private final byte[] soaAuthority;
    private final boolean ready;
    private final boolean hostApex;
    private final Node emptyNonTerminal;

    Zone(byte[] apex, byte[] soaAuthority, boolean ready, boolean hostApex) {
        this.apex = apex;
        this.soaAuthority = soaAuthority;
        this.ready = ready;
        this.hostApex = hostApex;
        this.emptyNonTerminal = new Node(this, false, new int[0], new byte[0][], new int[0], new byte[0][]);
    }

    /** The node every empty non-terminal of this zone shares (nodes are immutable: one will do). */
    Node emptyNonTerminal() {
        return emptyNonTerminal;
    }

    /** Lower-case wire form of the apex. */
    public byte[] apex() {
        return apex.clone();
    }

    /** The apex itself, not a copy; do not modify. */
    byte[] apexWire() {
        return apex;
    }

    /** True when an entry's out-of-zone hostname is the apex (not the mesh zone or a reverse zone). */
    public boolean hostApex() {
        return hostApex;
    }

    /** The SOA record with its owner name written out, ready to append as the one authority record. */
    public byte[] soaAuthority() {
        return soaAuthority;
    }

    /** False before the first catalog is loaded: names in the zone then answer SERVFAIL. */
    public boolean ready() {
        return ready;
    }
}
