package dev.meshdns.table;

import dev.meshdns.catalog.ServiceEntry;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;

/**
 * Immutable snapshot of every name the server answers, with answers prepared at build time.
 * Thread-safe: built aside, published with one volatile write. CONTRACT ONLY: implementation pending.
 */
public final class NameTable {

    /** The table before the first catalog is loaded: zone names answer SERVFAIL. */
    public static NameTable notReady(ZoneSpec spec) {
        throw new UnsupportedOperationException("pending");
    }

    /**
     * Builds the table for these entries. {@code vips} maps a service to its durable IPv4 VIP
     * (pinned ones included); a service in {@code unallocated} has no VIP (pool exhausted) and
     * its names answer SERVFAIL instead of a made-up address.
     */
    public static NameTable build(ZoneSpec spec, List<ServiceEntry> entries, Map<String, InetAddress> vips,
                                  Map<String, String> unallocated) {
        throw new UnsupportedOperationException("pending");
    }
}
