package dev.meshdns.vip;

import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 address block such as {@code 240.0.0.0/4} or {@code fd00:fd00::/64}.
 * The network address has no host bits set. Immutable and thread-safe.
 */
public record Cidr(InetAddress network, int prefixLength) {

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");
    private static final Pattern PREFIX = Pattern.compile("\\d{1,3}");

    public Cidr {
        Objects.requireNonNull(network, "network");
        network = withoutHostName(network);
        int bits = network.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException(
                    "prefix length must be 0.." + bits + " for " + network.getHostAddress() + ", got " + prefixLength);
        }
        if (!hostBits(network.getAddress(), prefixLength).equals(BigInteger.ZERO)) {
            throw new IllegalArgumentException("network " + network.getHostAddress() + "/" + prefixLength
                    + " has host bits set; did you mean " + masked(network, prefixLength).getHostAddress()
                    + "/" + prefixLength + "?");
        }
    }

    /** Parses {@code a.b.c.d/n} or {@code x::/n}; throws IllegalArgumentException naming the input when invalid. */
    public static Cidr parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("invalid CIDR null: expected address/prefix, like 240.0.0.0/4");
        }
        int slash = text.indexOf('/');
        if (slash < 0 || slash != text.lastIndexOf('/')) {
            throw invalid(text, "expected address/prefix, like 240.0.0.0/4 or fd00::/64");
        }
        InetAddress address = parseAddress(text, text.substring(0, slash));
        String prefix = text.substring(slash + 1);
        if (!PREFIX.matcher(prefix).matches()) {
            throw invalid(text, "prefix length '" + prefix + "' is not a number");
        }
        try {
            return new Cidr(address, Integer.parseInt(prefix));
        } catch (IllegalArgumentException e) {
            throw invalid(text, e.getMessage());
        }
    }

    /** True when the address is of the same family and inside this block. */
    public boolean contains(InetAddress address) {
        if (address == null) {
            return false;
        }
        if (address instanceof Inet4Address && network instanceof Inet4Address) {
            // An Inet4Address's hash code is its address as an int (OpenJDK since 1.0; CidrTest holds
            // it to that): no copy of the bytes, for this runs several times per VIP a full apply claims.
            int mask = prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
            return ((address.hashCode() ^ network.hashCode()) & mask) == 0;
        }
        // Compares the prefix bits in place: this runs for every row an allocator reads.
        byte[] bytes = address.getAddress();
        byte[] net = network.getAddress();
        if (bytes.length != net.length) {
            return false;
        }
        int whole = prefixLength / 8;
        for (int i = 0; i < whole; i++) {
            if (bytes[i] != net[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        int mask = (0xff << (8 - rest)) & 0xff;
        return rest == 0 || (bytes[whole] & mask) == (net[whole] & mask);
    }

    /** Number of addresses in the block, network and last address included (2^32 for a /0 in IPv4). */
    public BigInteger size() {
        return BigInteger.ONE.shiftLeft(addressBits() - prefixLength);
    }

    /** 32 for IPv4, 128 for IPv6. */
    public int addressBits() {
        return network.getAddress().length * 8;
    }

    /** The text form, e.g. {@code 240.0.0.0/4}. */
    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefixLength;
    }

    private static InetAddress parseAddress(String text, String address) {
        if (IPV4.matcher(address).matches()) {
            byte[] bytes = new byte[4];
            String[] parts = address.split("\\.");
            for (int i = 0; i < 4; i++) {
                int part = Integer.parseInt(parts[i]);
                if (part > 255) {
                    throw invalid(text, "IPv4 octet " + part + " is above 255");
                }
                bytes[i] = (byte) part;
            }
            return byAddress(bytes);
        }
        // A literal with ':' is parsed by InetAddress without any DNS lookup; the pattern keeps
        // host names and zone ids (%eth0) out.
        if (address.indexOf(':') >= 0 && IPV6.matcher(address).matches()) {
            try {
                InetAddress parsed = InetAddress.getByName(address);
                if (parsed instanceof Inet4Address) {
                    throw invalid(text, "IPv4-mapped IPv6 addresses are not supported, write the IPv4 block");
                }
                return parsed;
            } catch (UnknownHostException e) {
                throw invalid(text, "'" + address + "' is not an IPv6 address");
            }
        }
        throw invalid(text, "'" + address + "' is not an IPv4 or IPv6 address");
    }

    private static IllegalArgumentException invalid(String text, String why) {
        return new IllegalArgumentException("invalid CIDR '" + text + "': " + why);
    }

    private static BigInteger hostBits(byte[] address, int prefixLength) {
        int hostBits = address.length * 8 - prefixLength;
        return new BigInteger(1, address).and(BigInteger.ONE.shiftLeft(hostBits).subtract(BigInteger.ONE));
    }

    private static InetAddress masked(InetAddress address, int prefixLength) {
        byte[] bytes = address.getAddress();
        for (int bit = prefixLength; bit < bytes.length * 8; bit++) {
            bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return byAddress(bytes);
    }

    private static InetAddress withoutHostName(InetAddress address) {
        return byAddress(address.getAddress());
    }

    static InetAddress byAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("address must be 4 or 16 bytes, got " + bytes.length, e);
        }
    }
}
