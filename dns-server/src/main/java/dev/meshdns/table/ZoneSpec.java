package dev.meshdns.table;

import dev.meshdns.vip.Cidr;

/**
 * What the server is authoritative for: the zone (e.g. {@code mesh}), the answer TTL, the IPv4
 * VIP pool and the optional IPv6 pool (whose reverse names it answers PTR for), and whether AAAA
 * answers the IPv4-mapped address when there is no IPv6 VIP (Kuma's answer for dual-stack
 * proxies). Immutable.
 *
 * @param vip6Pool null when there is no IPv6 pool
 */
public record ZoneSpec(String zone, int ttlSeconds, Cidr vipPool, Cidr vip6Pool, boolean aaaaIpv4Mapped) {

    /** IPv4 only, AAAA answered NODATA. */
    public ZoneSpec(String zone, int ttlSeconds, Cidr vipPool) {
        this(zone, ttlSeconds, vipPool, null, false);
    }
}
