package dev.meshdns;

import dev.meshdns.vip.AllocationResult;
import dev.meshdns.vip.VipAllocator;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * The two allocator calls the catalog flow makes, as an interface so the flow is tested without a
 * store. Same confinement as {@link VipAllocator}: the {@code meshdns-vip-store} thread only.
 */
interface VipSource {

    /** Every durable allocation, service to VIP. */
    Map<String, InetAddress> allocations();

    /** Durable VIPs for these services, never one of {@code reserved}; blocks on fsync. */
    AllocationResult allocate(Collection<String> services, Set<InetAddress> reserved) throws IOException;

    static VipSource of(VipAllocator allocator) {
        return new VipSource() {
            @Override
            public Map<String, InetAddress> allocations() {
                return allocator.allocations();
            }

            @Override
            public AllocationResult allocate(Collection<String> services, Set<InetAddress> reserved)
                    throws IOException {
                return allocator.allocate(services, reserved);
            }
        };
    }
}
