package dev.meshdns.table;

import dev.meshdns.vip.Cidr;
import java.net.InetAddress;
import java.util.List;

/**
 * What the server is authoritative for: the zone (e.g. {@code mesh}), the answer TTL, the IPv4
 * VIP pool and the optional IPv6 pool (whose reverse names it answers PTR for), whether AAAA
 * answers the IPv4-mapped address when there is no IPv6 VIP (Kuma's answer for dual-stack
 * proxies), and the name server the apex NS and the SOA MNAME name. Immutable.
 *
 * @param vip6Pool   null when there is no IPv6 pool
 * @param nameServer null for the default, {@code ns.dns.<zone>} without an address (answered NODATA)
 */
public record ZoneSpec(String zone, int ttlSeconds, Cidr vipPool, Cidr vip6Pool, boolean aaaaIpv4Mapped,
                       NameServer nameServer) {

    public ZoneSpec {
        nameServer = nameServer == null ? NameServer.defaultFor(zone, List.of()) : nameServer;
    }

    /** The default name server. */
    public ZoneSpec(String zone, int ttlSeconds, Cidr vipPool, Cidr vip6Pool, boolean aaaaIpv4Mapped) {
        this(zone, ttlSeconds, vipPool, vip6Pool, aaaaIpv4Mapped, null);
    }

    /** IPv4 only, AAAA answered NODATA. */
    public ZoneSpec(String zone, int ttlSeconds, Cidr vipPool) {
        this(zone, ttlSeconds, vipPool, null, false);
    }

    /**
     * The host the zone's NS record names (also the SOA MNAME). Inside the zone it is answered with
     * {@code addresses} (A and AAAA), or NODATA when there are none: never NXDOMAIN for the name the
     * zone's own NS record names. Outside the zone it is someone else's to answer, and has no address here.
     *
     * @param name      a DNS name, without the trailing dot
     * @param addresses the host's addresses, IPv4 and IPv6; empty when not known
     */
    public record NameServer(String name, List<InetAddress> addresses) {
        public NameServer {
            addresses = List.copyOf(addresses);
        }

        /** {@code ns.dns.<zone>}, as Kubernetes's cluster DNS names its own. */
        public static NameServer defaultFor(String zone, List<InetAddress> addresses) {
            return new NameServer("ns.dns." + zone, addresses);
        }
    }
}
