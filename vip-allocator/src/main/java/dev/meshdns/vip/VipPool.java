package dev.meshdns.vip;

import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The usable addresses of a {@link Cidr}: every address but the first (network) and the last
 * (broadcast), numbered from 0. Maps a (zone, service) to its preferred index with SHA-256, so
 * every JVM, version and replica prefers the same address. Immutable and thread-safe.
 */
final class VipPool {

    private final Cidr cidr;
    private final BigInteger first;
    private final BigInteger usable;
    private final int addressBytes;
    /** {@code usable} as a long when it has at most 55 bits (every IPv4 pool), else -1. */
    private final long usableLong;
    /**
     * One SHA-256 per thread: {@code MessageDigest.getInstance} and a 256-bit {@code BigInteger.mod}
     * per service were 0.67 GB of garbage in a replica's 1,000,000-service first sync.
     */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM must provide SHA-256", e);
        }
    });

    VipPool(Cidr cidr) {
        this.cidr = cidr;
        this.addressBytes = cidr.addressBits() / 8;
        this.first = new BigInteger(1, cidr.network().getAddress()).add(BigInteger.ONE);
        this.usable = cidr.size().subtract(BigInteger.TWO);
        this.usableLong = usable.bitLength() <= 55 ? usable.longValue() : -1;
        if (usable.signum() <= 0) {
            throw new IllegalArgumentException("pool " + cidr + " has no usable address: the first and the last"
                    + " address of a pool are never given out, so use a prefix of /" + (cidr.addressBits() - 2)
                    + " or shorter");
        }
    }

    Cidr cidr() {
        return cidr;
    }

    /** How many addresses can be given out. */
    BigInteger usableCount() {
        return usable;
    }

    /** The index this service should get when nothing else holds it. */
    BigInteger preferredIndex(String zone, String service) {
        MessageDigest sha256 = SHA256.get();
        sha256.update(zone.getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) 0);
        sha256.update(service.getBytes(StandardCharsets.UTF_8));
        byte[] digest = sha256.digest(); // and resets it for the next call
        if (usableLong < 0) {
            return new BigInteger(1, digest).mod(usable);
        }
        long rest = 0; // the digest as a number, modulo the usable count, byte by byte: (rest << 8) fits a long
        for (byte b : digest) {
            rest = ((rest << 8) | (b & 0xff)) % usableLong;
        }
        return BigInteger.valueOf(rest);
    }

    /** True when the address may be given out: inside the block, neither its first nor its last address. */
    boolean isUsable(InetAddress address) {
        if (!cidr.contains(address)) {
            return false;
        }
        BigInteger index = new BigInteger(1, address.getAddress()).subtract(first);
        return index.signum() >= 0 && index.compareTo(usable) < 0;
    }

    /** The address at a usable index, {@code 0 <= index < usableCount()}. */
    InetAddress address(BigInteger index) {
        byte[] value = first.add(index).toByteArray();
        byte[] bytes = new byte[addressBytes];
        int copy = Math.min(value.length, addressBytes);
        System.arraycopy(value, value.length - copy, bytes, addressBytes - copy, copy);
        return Cidr.byAddress(bytes);
    }
}
