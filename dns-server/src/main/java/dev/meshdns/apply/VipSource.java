package dev.meshdns.apply;

import dev.meshdns.vip.AllocationResult;
import dev.meshdns.vip.VipAllocator;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The allocator calls the catalog flow makes for one address family, as an interface so the flow
 * is tested without a store; {@link #NONE} stands for a family without a pool (pins only), {@link
 * #UNASSIGNED} for a follower's family whose VIPs come pinned. Same
 * confinement as {@link VipAllocator}: the {@code meshdns-vip-store} thread only.
 */
public interface VipSource {

    /** No pool: nothing is allocated, nothing fails, pins are the only addresses. */
    VipSource NONE = new VipSource() {
        @Override
        public Map<String, InetAddress> allocations() {
            return Map.of();
        }

        @Override
        public AllocationResult sync(Collection<String> live, Set<InetAddress> reserved) {
            return AllocationResult.empty();
        }
    };

    /** What an unpinned service answers with {@link #UNASSIGNED}, as SERVFAIL's Extended DNS Error text. */
    String NOT_ASSIGNED_YET = "no VIP assigned yet";

    /**
     * No pool, for a mesh-dns that follows another ({@code --store none}): nothing is allocated, pins are
     * the only addresses, and every unpinned service fails with {@link #NOT_ASSIGNED_YET} (its names
     * answer SERVFAIL until its source assigns one), never a made-up address.
     */
    VipSource UNASSIGNED = new VipSource() {
        @Override
        public Map<String, InetAddress> allocations() {
            return Map.of();
        }

        @Override
        public AllocationResult sync(Collection<String> live, Set<InetAddress> reserved) {
            Map<String, String> failures = new LinkedHashMap<>();
            live.forEach(service -> failures.put(service, NOT_ASSIGNED_YET));
            return new AllocationResult(Map.of(), failures);
        }

        @Override
        public AllocationResult allocate(Collection<String> services, Set<InetAddress> reserved) {
            return sync(services, reserved);
        }
    };

    /** Every held allocation, service to VIP. */
    Map<String, InetAddress> allocations();

    /** The VIP the service holds, or null. */
    default InetAddress vipOf(String service) {
        return allocations().get(service);
    }

    /**
     * Releases held VIPs of services not in {@code live}, then gives every live service a durable
     * VIP, never one of {@code reserved}; blocks on the store.
     */
    AllocationResult sync(Collection<String> live, Set<InetAddress> reserved) throws IOException;

    /**
     * {@link #sync} in two steps (see {@link VipAllocator#plan}): the VIPs now, durable once the
     * plan's claim returned. By default it is sync itself, durable at once.
     */
    default VipAllocator.Planned plan(Collection<String> live, Set<InetAddress> reserved) throws IOException {
        return VipAllocator.Planned.durable(sync(live, reserved));
    }

    /** Like {@link #sync}, but releases nothing: services not named keep their VIPs. */
    default AllocationResult allocate(Collection<String> services, Set<InetAddress> reserved) throws IOException {
        return AllocationResult.empty();
    }

    /** Releases the VIPs these services hold; blocks on the store. */
    default void release(Collection<String> services) throws IOException {
    }

    /** How many reads of the store found another writer's changes (see {@link VipAllocator#foreignChanges}). */
    default long foreignChanges() {
        return 0;
    }

    /** Reads changes other writers made; true when this pool's allocations changed. */
    default boolean refresh() throws IOException {
        return false;
    }

    /** When a quarantined address next becomes free, if any. */
    default Optional<Instant> nextQuarantineEnd() {
        return Optional.empty();
    }

    static VipSource of(VipAllocator allocator) {
        return new VipSource() {
            @Override
            public Map<String, InetAddress> allocations() {
                return allocator.allocations();
            }

            @Override
            public AllocationResult sync(Collection<String> live, Set<InetAddress> reserved) throws IOException {
                return allocator.sync(live, reserved);
            }

            @Override
            public VipAllocator.Planned plan(Collection<String> live, Set<InetAddress> reserved) throws IOException {
                return allocator.plan(live, reserved);
            }

            @Override
            public InetAddress vipOf(String service) {
                return allocator.vipOf(service);
            }

            @Override
            public AllocationResult allocate(Collection<String> services, Set<InetAddress> reserved)
                    throws IOException {
                return allocator.allocate(services, reserved);
            }

            @Override
            public void release(Collection<String> services) throws IOException {
                allocator.release(services);
            }

            @Override
            public long foreignChanges() {
                return allocator.foreignChanges();
            }

            @Override
            public boolean refresh() throws IOException {
                return allocator.refresh();
            }

            @Override
            public Optional<Instant> nextQuarantineEnd() {
                return allocator.nextQuarantineEnd();
            }
        };
    }
}
