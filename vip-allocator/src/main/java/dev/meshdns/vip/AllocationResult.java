package dev.meshdns.vip;

import java.net.InetAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The outcome of one {@link VipAllocator#sync} or {@link VipAllocator#allocate} call: the durable VIP of each service and,
 * for each service that got none, why (e.g. the pool is exhausted). Both maps keep the order the
 * services were asked in. Immutable and thread-safe.
 */
public final class AllocationResult {
    private static final AllocationResult EMPTY = new AllocationResult(Map.of(), Map.of());

    private final Map<String, InetAddress> vips;
    private final Map<String, String> failures;

    /** Copies both maps, in their order. */
    public AllocationResult(Map<String, InetAddress> vips, Map<String, String> failures) {
        this.vips = Collections.unmodifiableMap(new LinkedHashMap<>(vips));
        this.failures = Collections.unmodifiableMap(new LinkedHashMap<>(failures));
    }

    /** Wraps maps made for this result, without a copy (see {@link #owning}). */
    private AllocationResult(Map<String, InetAddress> vips, Map<String, String> failures, Void owned) {
        this.vips = Collections.unmodifiableMap(vips);
        this.failures = Collections.unmodifiableMap(failures);
    }

    /**
     * Takes these maps without a copy: the allocator's own, made for this result and never written
     * after (a million VIPs are not copied twice).
     */
    static AllocationResult owning(Map<String, InetAddress> vips, Map<String, String> failures) {
        return new AllocationResult(vips, failures, null);
    }

    /** No VIPs and no failures: the outcome of asking for no services. */
    public static AllocationResult empty() {
        return EMPTY;
    }

    /** The VIP of each service that has one, in the order asked; unmodifiable. */
    public Map<String, InetAddress> vips() {
        return vips;
    }

    /** Why each service without a VIP has none, in the order asked; unmodifiable. */
    public Map<String, String> failures() {
        return failures;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AllocationResult other && vips.equals(other.vips) && failures.equals(other.failures);
    }

    @Override
    public int hashCode() {
        return Objects.hash(vips, failures);
    }

    @Override
    public String toString() {
        return "AllocationResult[vips=" + vips + ", failures=" + failures + "]";
    }
}
