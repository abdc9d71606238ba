package dev.meshdns.table;

import dev.meshdns.vip.Cidr;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The in-addr.arpa zones that cover an IPv4 VIP pool, cut at octet boundaries (240.0.0.0/4 gives
 * 240.in-addr.arpa to 255.in-addr.arpa), and the PTR name of an address. Stateless.
 */
final class ReverseZones {
    private static final int MAX_ZONES = 256;

    private ReverseZones() {
    }

    static List<byte[]> of(Cidr pool) {
        List<byte[]> out = new ArrayList<>();
        if (!(pool.network() instanceof Inet4Address)) {
            return out;
        }
        int octets = Math.max(1, (pool.prefixLength() + 7) / 8);
        int count = 1 << (octets * 8 - pool.prefixLength());
        if (count > MAX_ZONES) {
            return out;
        }
        long base = Integer.toUnsignedLong(toInt(pool.network())) >>> (32 - octets * 8);
        for (int i = 0; i < count; i++) {
            long prefix = base + i;
            StringBuilder name = new StringBuilder();
            for (int o = 0; o < octets; o++) {
                name.append((prefix >>> (8 * o)) & 0xff).append('.');
            }
            out.add(WireName.of(name + "in-addr.arpa"));
        }
        return out;
    }

    static byte[] ptrName(InetAddress address) {
        byte[] a = address.getAddress();
        return WireName.of((a[3] & 0xff) + "." + (a[2] & 0xff) + "." + (a[1] & 0xff) + "." + (a[0] & 0xff)
                + ".in-addr.arpa");
    }

    private static int toInt(InetAddress address) {
        byte[] a = address.getAddress();
        return ((a[0] & 0xff) << 24) | ((a[1] & 0xff) << 16) | ((a[2] & 0xff) << 8) | (a[3] & 0xff);
    }
}
