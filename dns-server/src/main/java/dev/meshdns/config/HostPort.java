package dev.meshdns.config;

import dev.meshdns.catalog.DnsNames;
import dev.meshdns.catalog.IpLiterals;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Parses {@code HOST:PORT} and {@code [IPv6]:PORT} into a socket address, and writes one back for
 * messages. Stateless and thread-safe.
 */
public final class HostPort {
    private HostPort() {
    }

    /** Throws IllegalArgumentException with a message that continues "dns-listen ...". */
    static InetSocketAddress parse(String text) {
        return parse(text, 5653);
    }

    /**
     * Throws IllegalArgumentException with a message that continues a flag name; the message's
     * example addresses use {@code examplePort}.
     */
    public static InetSocketAddress parse(String text, int examplePort) {
        Parts parts = Parts.of(text, examplePort);
        String host = parts.host();
        if (host.isEmpty() || (IpLiterals.ipv4(host).isEmpty() && IpLiterals.ipv6(host).isEmpty()
                && DnsNames.nameProblem(host).isPresent())) {
            throw invalid(text, examplePort);
        }
        if (parts.port() < 0 || parts.port() > 65535) {
            throw new IllegalArgumentException("port must be from 0 to 65535 (got \"" + text + "\")");
        }
        InetSocketAddress address = new InetSocketAddress(host, parts.port());
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("host is not a known address (got \"" + text + "\")");
        }
        return address;
    }

    /**
     * Checks a remote {@code HOST:PORT} (host name, IPv4 or {@code [IPv6]}) without resolving it, so a
     * peer whose name does not resolve yet can still be configured; returns it trimmed. Throws
     * IllegalArgumentException with a message that continues a flag name.
     */
    static String target(String text, int examplePort) {
        Parts parts = Parts.of(text, examplePort);
        String host = parts.host();
        boolean valid = parts.bracketed() ? IpLiterals.ipv6(host).isPresent()
                : IpLiterals.ipv4(host).isPresent() || DnsNames.nameProblem(host).isEmpty();
        if (!valid) {
            throw invalid(text, examplePort);
        }
        if (parts.port() < 1 || parts.port() > 65535) {
            throw new IllegalArgumentException("port must be from 1 to 65535 (got \"" + text + "\")");
        }
        return parts.trimmed();
    }

    /**
     * An upstream DNS server: an IPv4 or IPv6 literal with an optional port, 53 by default
     * ({@code 10.96.0.10}, {@code 10.96.0.10:5353}, {@code [fd00::10]:53}, {@code fd00::10}). Throws
     * IllegalArgumentException with a message that continues a flag name.
     */
    public static InetSocketAddress upstream(String text) {
        String value = text == null ? "" : text.trim();
        Optional<? extends InetAddress> bare =
                IpLiterals.ipv4(value).isPresent() ? IpLiterals.ipv4(value) : IpLiterals.ipv6(value);
        if (bare.isPresent()) {
            return new InetSocketAddress(bare.get(), 53);
        }
        if (value.startsWith("[") && value.endsWith("]") && IpLiterals.ipv6(value.substring(1, value.length() - 1))
                .isPresent()) {
            return new InetSocketAddress(IpLiterals.ipv6(value.substring(1, value.length() - 1)).get(), 53);
        }
        IllegalArgumentException invalid = new IllegalArgumentException("must be an IP address with an optional"
                + " port, e.g. 10.96.0.10, 10.96.0.10:53 or [fd00::10]:53 (got \"" + text + "\")");
        Parts parts;
        try {
            parts = Parts.of(value, 53);
        } catch (IllegalArgumentException e) {
            throw invalid;
        }
        Optional<? extends InetAddress> host = parts.bracketed() ? IpLiterals.ipv6(parts.host())
                : IpLiterals.ipv4(parts.host());
        if (host.isEmpty()) {
            throw invalid;
        }
        if (parts.port() < 1 || parts.port() > 65535) {
            throw new IllegalArgumentException("port must be from 1 to 65535 (got \"" + text + "\")");
        }
        return new InetSocketAddress(host.get(), parts.port());
    }

    /** {@code text} split at its last colon; the host without brackets, the port not yet range-checked. */
    private record Parts(String trimmed, String host, boolean bracketed, int port) {
        static Parts of(String text, int examplePort) {
            String value = text == null ? "" : text.trim();
            int colon = value.lastIndexOf(':');
            if (colon <= 0 || colon == value.length() - 1) {
                throw invalid(text, examplePort);
            }
            String host = value.substring(0, colon);
            boolean bracketed = host.startsWith("[") && host.endsWith("]");
            if (bracketed) {
                host = host.substring(1, host.length() - 1);
            } else if (host.contains(":")) {
                throw invalid(text, examplePort); // an IPv6 address without brackets
            }
            try {
                return new Parts(value, host, bracketed, Integer.parseInt(value.substring(colon + 1)));
            } catch (NumberFormatException e) {
                throw invalid(text, examplePort);
            }
        }
    }

    /** The resolved address as {@code HOST:PORT}, an IPv6 host in brackets ({@code [::1]:53}), for messages. */
    public static String text(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    private static IllegalArgumentException invalid(String text, int examplePort) {
        return new IllegalArgumentException("must be HOST:PORT, e.g. 127.0.0.1:" + examplePort + " or [::1]:"
                + examplePort + " (got \"" + text + "\")");
    }
}
