package dev.meshdns.core;

import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.table.LiveTable;
import dev.meshdns.table.NameTable;
import dev.meshdns.table.ServiceVips;
import dev.meshdns.table.ZoneSpec;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** IPv4-only tables for the resolver tests, written as a map of VIPs and a map of failures. */
final class Ipv4Tables {
    private Ipv4Tables() {
    }

    /**
     * {@code vips} maps a service to its IPv4 VIP; a service in {@code unallocated} has none and its
     * names answer SERVFAIL with the reason instead of a made-up address.
     */
    static NameTable build(ZoneSpec spec, List<ServiceEntry> entries, Map<String, InetAddress> vips,
                           Map<String, String> unallocated) {
        Map<String, ServiceVips> all = new HashMap<>();
        for (ServiceEntry entry : entries) {
            InetAddress v4 = vips.get(entry.service());
            all.put(entry.service(), new ServiceVips(v4 instanceof Inet4Address a ? a : null, null,
                    unallocated.get(entry.service()), null));
        }
        return LiveTable.build(spec, entries, all).table();
    }
}
