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

    Zone(byte[] apex, byte[] soaAuthority, boolean ready) {
        this.apex = apex;
        this.soaAuthority = soaAuthority;
        this.ready = ready;
    }

    /** Lower-case wire form of the apex. */
    public byte[] apex() {
        return apex.clone();
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
