package dev.meshdns.transport;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Response rate limiting like Knot's {@code rrl} module: a token bucket per client prefix (/24 for
 * IPv4, /56 for IPv6), {@code ratePerSecond} tokens refilled each second and held up to one second's
 * worth, in a fixed table of buckets found by a keyed hash of the prefix (a prefix that lands on a
 * bucket held by another takes it over, fresh). A response without a token is limited: every
 * {@code slip}-th limited one is sent truncated (TC=1, so a real client retries over TCP), the others
 * are dropped; slip 0 drops all, 1 truncates all. Thread-safe and lock-free: every UDP event loop
 * shares one table, each bucket one {@code long} updated by compare-and-set; nothing is allocated per
 * check for an IPv4 client (an IPv6 one costs the 16-byte copy of its address).
 */
public final class ResponseRateLimiter {
    /** What to do with a response. */
    public static final int SEND = 0;
    public static final int SLIP = 1;
    public static final int DROP = 2;
    /** Largest rate: the tokens of a bucket take 20 bits. */
    public static final int MAX_RATE = (1 << 20) - 1;

    private static final int TOKEN_BITS = 20;
    private static final int SECOND_BITS = 20;
    private static final long TOKEN_MASK = (1L << TOKEN_BITS) - 1;
    private static final long SECOND_MASK = (1L << SECOND_BITS) - 1;
    private static final int TAG_SHIFT = TOKEN_BITS + SECOND_BITS;
    private static final long TAG_MASK = (1L << (64 - TAG_SHIFT)) - 1;
    private static final int CAS_ATTEMPTS = 4;

    private final int rate;
    private final int slip;
    private final AtomicLongArray buckets;
    private final int mask;
    private final long seed = ThreadLocalRandom.current().nextLong();
    private final AtomicLong limited = new AtomicLong();

    /**
     * @param ratePerSecond responses per second per prefix, 1 to {@link #MAX_RATE}
     * @param slip every slip-th limited response is truncated, the rest dropped; 0 drops all
     * @param tableSize buckets, rounded up to a power of two (8 bytes each)
     */
    public ResponseRateLimiter(int ratePerSecond, int slip, int tableSize) {
        if (ratePerSecond < 1 || ratePerSecond > MAX_RATE || slip < 0 || tableSize < 1 || tableSize > 1 << 30) {
            throw new IllegalArgumentException("rate " + ratePerSecond + ", slip " + slip + ", table " + tableSize);
        }
        this.rate = ratePerSecond;
        this.slip = slip;
        int size = Integer.highestOneBit(tableSize) == tableSize ? tableSize : Integer.highestOneBit(tableSize) << 1;
        this.buckets = new AtomicLongArray(size);
        this.mask = size - 1;
    }

    /** Buckets in the table. */
    public int tableSize() {
        return mask + 1;
    }

    /** Takes a token for a response to {@code client} at {@code nowNanos} ({@link System#nanoTime}): SEND, SLIP or DROP. */
    public int check(InetAddress client, long nowNanos) {
        long hash = mix(prefixKey(client) ^ seed);
        int index = (int) hash & mask;
        long tag = (hash >>> 32) & TAG_MASK | 1; // never 0, so no bucket in use reads as empty
        long second = Math.floorDiv(nowNanos, 1_000_000_000L) & SECOND_MASK;
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            long bucket = buckets.get(index);
            long tokens;
            if (bucket == 0 || bucket >>> TAG_SHIFT != tag || (bucket >>> TOKEN_BITS & SECOND_MASK) != second) {
                tokens = rate; // a new prefix here, or a new second: refilled (at most one second's worth)
            } else {
                tokens = bucket & TOKEN_MASK;
            }
            boolean allowed = tokens > 0;
            long updated = tag << TAG_SHIFT | second << TOKEN_BITS | (allowed ? tokens - 1 : 0);
            if (buckets.compareAndSet(index, bucket, updated)) {
                return allowed ? SEND : limited();
            }
        }
        return SEND; // contended by other threads on this very bucket: let this one through
    }

    private int limited() {
        return slip != 0 && limited.incrementAndGet() % slip == 0 ? SLIP : DROP;
    }

    /** The /24 (IPv4) or /56 (IPv6) of {@code address}, with its family, as a number. */
    static long prefixKey(InetAddress address) {
        if (address instanceof Inet4Address) {
            // Inet4Address.hashCode() is its address as an int: no copy of the bytes.
            return 1L << 62 | (address.hashCode() >>> 8);
        }
        byte[] bytes = address.getAddress();
        long prefix = 0;
        for (int i = 0; i < 7; i++) {
            prefix = prefix << 8 | (bytes[i] & 0xFF);
        }
        return 2L << 62 | prefix;
    }

    /** MurmurHash3's 64-bit finalizer. */
    private static long mix(long key) {
        key ^= key >>> 33;
        key *= 0xff51afd7ed558ccdL;
        key ^= key >>> 33;
        key *= 0xc4ceb9fe1a85ec53L;
        key ^= key >>> 33;
        return key;
    }
}
