package dev.meshdns.catalog;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Parses IP address literals without ever doing a DNS lookup (unlike
 * {@link InetAddress#getByName}, which resolves anything that is not a literal). Stateless and
 * thread-safe.
 */
public final class IpLiterals {
    private static final Pattern IPV4 = Pattern.compile("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");

    private IpLiterals() {
    }

    /** A dotted-quad IPv4 literal such as {@code 240.0.0.100}; no short forms, no leading zeros. */
    public static Optional<Inet4Address> ipv4(String text) {
        if (!IPV4.matcher(text).matches()) {
            return Optional.empty();
        }
        String[] parts = text.split("\\.");
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            int octet = Integer.parseInt(parts[i]);
            if (octet > 255) {
                return Optional.empty();
            }
            bytes[i] = (byte) octet;
        }
        return Optional.of((Inet4Address) byAddress(bytes));
    }

    /** An IPv6 literal such as {@code fd00::1}; IPv4-mapped forms and zone ids are not accepted. */
    public static Optional<Inet6Address> ipv6(String text) {
        // The character check guarantees getByName sees a literal: with a ':' it never resolves.
        if (!text.contains(":") || !IPV6_CHARS.matcher(text).matches()) {
            return Optional.empty();
        }
        try {
            InetAddress address = InetAddress.getByName(text);
            return address instanceof Inet6Address v6 ? Optional.of(v6) : Optional.empty();
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static InetAddress byAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 bytes are always a valid address", e);
        }
    }
}
