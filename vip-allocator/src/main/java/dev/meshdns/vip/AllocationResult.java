package dev.meshdns.vip;

import java.net.InetAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcome of one {@link VipAllocator#sync} or {@link VipAllocator#allocate} call: the durable VIP of each service and,
 * for each service that got none, why (e.g. the pool is exhausted). Both maps keep the order the
 * services were asked in. Immutable and thread-safe.
 */
public record AllocationResult(Map<String, InetAddress> vips, Map<String, String> failures) {
    private static final AllocationResult EMPTY = new AllocationResult(Map.of(), Map.of());

    public AllocationResult {
        vips = Collections.unmodifiableMap(new LinkedHashMap<>(vips));
        failures = Collections.unmodifiableMap(new LinkedHashMap<>(failures));
    }

    /** No VIPs and no failures: the outcome of asking for no services. */
    public static AllocationResult empty() {
        return EMPTY;
    }
}
