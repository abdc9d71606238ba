package dev.meshdns.table;

import dev.meshdns.vip.Cidr;

/**
 * What the server is authoritative for: the zone (e.g. {@code mesh}), the answer TTL and the
 * VIP pool (whose reverse names it answers PTR for). Immutable.
 */
public record ZoneSpec(String zone, int ttlSeconds, Cidr vipPool) {
}
