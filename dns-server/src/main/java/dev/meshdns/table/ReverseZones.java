package dev.meshdns.table;

import dev.meshdns.vip.Cidr;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The reverse zones that cover a VIP pool and the PTR name of an address. IPv4 zones are cut at
 * octet boundaries (240.0.0.0/4 gives 240.in-addr.arpa to 255.in-addr.arpa), IPv6 zones at nibble
 * boundaries under ip6.arpa (fd00:fd00::/64 gives one zone of 16 nibbles). Stateless.
 */
final class ReverseZones {
    private static final byte[] IN_ADDR_ARPA = WireName.of("in-addr.arpa");
    private static final byte[] IP6_ARPA = WireName.of("ip6.arpa");
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static final int MAX_ZONES = 256;

    private ReverseZones() {
    }

    static List<byte[]> of(Cidr pool) {
        boolean v4 = pool.network() instanceof Inet4Address;
        int digitBits = v4 ? 8 : 4;
        int addressBits = v4 ? 32 : 128;
        // A zone apex is never a whole address (that name holds a PTR): a pool longer than /24
        // (or /124) is answered from the enclosing /24 (/124) zone.
        int digits = Math.min(addressBits / digitBits - 1,
                Math.max(1, (pool.prefixLength() + digitBits - 1) / digitBits));
        int count = 1 << Math.min(30, Math.max(0, digits * digitBits - pool.prefixLength()));
        List<byte[]> out = new ArrayList<>();
        if (count > MAX_ZONES) {
            return out;
        }
        BigInteger base = new BigInteger(1, pool.network().getAddress()).shiftRight(addressBits - digits * digitBits);
        for (int i = 0; i < count; i++) {
            BigInteger prefix = base.add(BigInteger.valueOf(i));
            StringBuilder name = new StringBuilder();
            for (int d = 0; d < digits; d++) {
                int digit = prefix.shiftRight(d * digitBits).intValue() & ((1 << digitBits) - 1);
                name.append(v4 ? Integer.toString(digit) : Integer.toHexString(digit)).append('.');
            }
            out.add(WireName.of(name + (v4 ? "in-addr.arpa" : "ip6.arpa")));
        }
        return out;
    }

    static byte[] ptrName(InetAddress address) {
        byte[] a = address.getAddress();
        // Written as wire bytes directly: every table build makes one for each VIP.
        byte[] suffix = address instanceof Inet4Address ? IN_ADDR_ARPA : IP6_ARPA;
        int labels = 64;
        if (a.length == 4) {
            labels = 0;
            for (byte octet : a) {
                labels += 1 + digits(octet & 0xff);
            }
        }
        byte[] name = new byte[labels + suffix.length];
        int at = 0;
        if (a.length == 4) {
            for (int i = 3; i >= 0; i--) {
                int octet = a[i] & 0xff;
                int digits = digits(octet);
                name[at++] = (byte) digits;
                for (int d = digits - 1; d >= 0; d--) {
                    name[at + d] = (byte) ('0' + octet % 10);
                    octet /= 10;
                }
                at += digits;
            }
        } else {
            for (int i = 15; i >= 0; i--) {
                name[at++] = 1;
                name[at++] = HEX[a[i] & 0x0f];
                name[at++] = 1;
                name[at++] = HEX[(a[i] >> 4) & 0x0f];
            }
        }
        System.arraycopy(suffix, 0, name, at, suffix.length);
        return name;
    }

    private static int digits(int octet) {
        return octet >= 100 ? 3 : octet >= 10 ? 2 : 1;
    }
}
