package dev.meshdns.catalog;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * A 128-bit digest of a set of entries: the same entries in any order give the same digest, and
 * entries that differ in any field almost surely do not (two independent 64-bit hashes per entry,
 * summed). Not cryptographic: it tells a saved table from a catalog it was not built from, it does
 * not defend against a catalog crafted to collide. Immutable.
 */
public record EntrySetDigest(int count, long first, long second) {
    private static final long K1 = 0x9E3779B97F4A7C15L;
    private static final long K2 = 0xC2B2AE3D27D4EB4FL;

    public static EntrySetDigest of(List<ServiceEntry> entries) {
        long first = 0;
        long second = 0;
        for (ServiceEntry entry : entries) {
            Lanes lanes = new Lanes();
            lanes.add(entry.service());
            lanes.add(entry.hostnames().size());
            entry.hostnames().forEach(lanes::add);
            lanes.add(entry.vip());
            lanes.add(entry.vip6());
            lanes.add(entry.ports().size());
            entry.ports().forEach(lanes::add);
            first += mix(lanes.a);
            second += mix(lanes.b);
        }
        return new EntrySetDigest(entries.size(), first, second);
    }

    /** As text: {@code <count>:<first, 16 hex digits>:<second>}. */
    public String text() {
        return count + ":" + String.format("%016x", first) + ":" + String.format("%016x", second);
    }

    /** The digest {@link #text} wrote, or empty when the text is not one. */
    public static Optional<EntrySetDigest> parse(String text) {
        String[] parts = text.split(":", -1);
        try {
            if (parts.length == 3 && parts[1].length() == 16 && parts[2].length() == 16) {
                return Optional.of(new EntrySetDigest(Integer.parseInt(parts[0]), Long.parseUnsignedLong(parts[1], 16),
                        Long.parseUnsignedLong(parts[2], 16)));
            }
        } catch (NumberFormatException notADigest) {
            // empty below
        }
        return Optional.empty();
    }

    /** Two hashes of one entry's fields, in order. */
    private static final class Lanes {
        long a = K1;
        long b = K2;

        void add(long value) {
            a = Long.rotateLeft(a ^ value, 27) * K1 + 1;
            b = Long.rotateLeft(b + value * K2, 31) * 0xFF51AFD7ED558CCDL;
        }

        void add(String text) {
            add(text.length());
            for (int i = 0; i < text.length(); i++) {
                add(text.charAt(i));
            }
        }

        void add(InetAddress address) {
            if (address == null) {
                add(-1);
                return;
            }
            byte[] bytes = address.getAddress();
            add(bytes.length);
            for (byte b : bytes) {
                add(b & 0xff);
            }
        }
    }

    /** Murmur3's finalizer: every input bit moves every output bit. */
    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        return h ^ (h >>> 33);
    }
}
