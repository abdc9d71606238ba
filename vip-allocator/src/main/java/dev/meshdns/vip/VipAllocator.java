package dev.meshdns.vip;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * Gives each service a stable virtual IP from a pool and makes it durable in a {@link VipStore}
 * before returning it. Confined to one thread (the caller's store executor); not thread-safe.
 * CONTRACT ONLY: implementation pending.
 */
public final class VipAllocator {

    /** Restores the durable allocations from the store. */
    public static VipAllocator open(VipStore store, Cidr pool, String zone) throws IOException {
        throw new UnsupportedOperationException("pending");
    }

    /**
     * Ensures each service has a durable VIP. Returns, for every service asked for, its VIP
     * (already durable when this returns) or a failure reason (pool exhausted). Never hands out
     * an address in {@code reserved} (addresses pinned by other entries). Blocks on fsync.
     */
    public AllocationResult allocate(Collection<String> services, Set<InetAddress> reserved) throws IOException {
        throw new UnsupportedOperationException("pending");
    }

    /** Every durable allocation, service to VIP. */
    public Map<String, InetAddress> allocations() {
        throw new UnsupportedOperationException("pending");
    }
}
