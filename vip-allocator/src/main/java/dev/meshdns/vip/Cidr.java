package dev.meshdns.vip;

import java.net.InetAddress;

/**
 * An IPv4 or IPv6 address block such as {@code 240.0.0.0/4}. Immutable and thread-safe.
 * CONTRACT ONLY: implementation pending.
 */
public record Cidr(InetAddress network, int prefixLength) {

    /** Parses {@code a.b.c.d/n} or {@code x::/n}; throws IllegalArgumentException naming the input when invalid. */
    public static Cidr parse(String text) {
        throw new UnsupportedOperationException("pending");
    }

    /** True when the address is of the same family and inside this block. */
    public boolean contains(InetAddress address) {
        throw new UnsupportedOperationException("pending");
    }
}
