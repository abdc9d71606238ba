package dev.meshdns.catalog;

import dev.meshdns.vip.Cidr;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * Which addresses a {@code vip:} or {@code vip6:} pin may name. A pin may lie inside the pool or
 * outside it (a Kubernetes ClusterIP), but never at an address a client cannot connect to as a
 * service: unspecified, loopback, multicast, broadcast, nor the first or last address of its pool,
 * which the allocator never gives out either. Stateless and thread-safe.
 */
public final class PinnedVips {
    private PinnedVips() {
    }

    /** Why this address can never be a VIP, or empty when it can. */
    public static Optional<String> unusable(InetAddress pin) {
        byte[] a = pin.getAddress();
        int first = a[0] & 0xff;
        if (pin instanceof Inet4Address) {
            if (first == 0) {
                return Optional.of("it is in 0.0.0.0/8 (\"this network\"), not an address to connect to");
            }
            if (first == 127) {
                return Optional.of("it is a loopback address (127.0.0.0/8), which reaches the client itself");
            }
            if (first >= 224 && first <= 239) {
                return Optional.of("it is a multicast address (224.0.0.0/4)");
            }
            if (pin.getHostAddress().equals("255.255.255.255")) {
                return Optional.of("it is the broadcast address");
            }
            return Optional.empty();
        }
        if (pin.isAnyLocalAddress()) {
            return Optional.of("it is the unspecified address");
        }
        if (pin.isLoopbackAddress()) {
            return Optional.of("it is the loopback address, which reaches the client itself");
        }
        if (first == 0xff) {
            return Optional.of("it is a multicast address (ff00::/8)");
        }
        return Optional.empty();
    }

    /** The first and last address of the pool. */
    public static List<InetAddress> poolEdges(Cidr pool) {
        BigInteger network = new BigInteger(1, pool.network().getAddress());
        BigInteger last = network.add(pool.size()).subtract(BigInteger.ONE);
        return List.of(address(network, pool), address(last, pool));
    }

    private static InetAddress address(BigInteger value, Cidr pool) {
        byte[] raw = value.toByteArray();
        byte[] bytes = new byte[pool.addressBits() / 8];
        int copy = Math.min(raw.length, bytes.length);
        System.arraycopy(raw, raw.length - copy, bytes, bytes.length - copy, copy);
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes are always an address", e);
        }
    }

    /** Why this pin cannot stand in this pool (its first or last address), or empty; null pool: none. */
    public static Optional<String> poolEdge(InetAddress pin, Cidr pool) {
        if (pool == null || pin == null || !pool.contains(pin)) {
            return Optional.empty();
        }
        BigInteger network = new BigInteger(1, pool.network().getAddress());
        BigInteger address = new BigInteger(1, pin.getAddress());
        if (address.equals(network)) {
            return Optional.of("it is the first address of the pool " + pool + ", which is never a VIP");
        }
        if (address.equals(network.add(pool.size()).subtract(BigInteger.ONE))) {
            return Optional.of("it is the last address of the pool " + pool + ", which is never a VIP");
        }
        return Optional.empty();
    }
}
