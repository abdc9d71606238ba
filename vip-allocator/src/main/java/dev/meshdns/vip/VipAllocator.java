package dev.meshdns.vip;

import dev.meshdns.vip.VipStore.Allocation;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Gives each service of a zone a stable virtual IP from a pool and makes it durable in a
 * {@link VipStore} before returning it. The preferred address is a hash of (zone, service) inside
 * the pool, probing linearly on collision, so restarts and independent replicas mostly agree.
 * Allocations are never released in this version. Addresses other zones hold in the store are
 * avoided as read at {@link #open}; allocators that share a store and allocate side by side need
 * disjoint pools (one IPv4, one IPv6 pool is fine). Confined to one thread (the caller's store
 * executor); not thread-safe.
 */
public final class VipAllocator {

    private final VipStore store;
    private final VipPool pool;
    private final String zone;
    /** This zone's services that hold an address of the pool. */
    private final Map<String, InetAddress> vipByService = new LinkedHashMap<>();
    /** Every address of the pool held in the store, by any zone. */
    private final Map<InetAddress, Allocation> holderByAddress = new HashMap<>();

    private VipAllocator(VipStore store, VipPool pool, String zone) {
        this.store = store;
        this.pool = pool;
        this.zone = zone;
    }

    /** Restores the durable allocations from the store. */
    public static VipAllocator open(VipStore store, Cidr pool, String zone) throws IOException {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(pool, "pool");
        if (zone == null || zone.isBlank()) {
            throw new IllegalArgumentException("zone must not be blank, got '" + zone + "'");
        }
        VipAllocator allocator = new VipAllocator(store, new VipPool(pool), zone);
        for (Allocation allocation : store.restore()) {
            allocator.restore(allocation);
        }
        return allocator;
    }

    /**
     * Ensures each service has a durable VIP. Returns, for every service asked for, its VIP
     * (already durable when this returns) or a failure reason (pool exhausted). Never hands out
     * an address in {@code reserved} (addresses pinned by other entries). A service that already
     * holds a VIP keeps it, even if it is now reserved: a VIP never changes while its name exists.
     * Blocks on fsync: all new VIPs of one call are made durable with one append; if that append
     * fails, nothing is given out and the exception is thrown.
     */
    public AllocationResult allocate(Collection<String> services, Set<InetAddress> reserved) throws IOException {
        Objects.requireNonNull(reserved, "reserved");
        Map<String, InetAddress> vips = new LinkedHashMap<>();
        Map<String, String> failures = new LinkedHashMap<>();
        Map<InetAddress, String> pending = new HashMap<>();
        List<Allocation> fresh = new ArrayList<>();
        long reservedInPool = reserved.stream().filter(pool::isUsable).count();
        for (String service : new LinkedHashSet<>(services)) {
            if (service == null || service.isBlank()) {
                throw new IllegalArgumentException("service must not be blank, got '" + service + "'");
            }
            InetAddress vip = vipByService.get(service);
            if (vip == null) {
                vip = probe(service, reserved, pending, reservedInPool);
                if (vip == null) {
                    failures.put(service, exhausted(reserved, pending));
                    continue;
                }
                pending.put(vip, service);
                fresh.add(new Allocation(zone, service, vip));
            }
            vips.put(service, vip);
        }
        if (!fresh.isEmpty()) {
            store.append(fresh);
            fresh.forEach(this::remember);
        }
        return new AllocationResult(vips, failures);
    }

    /** Every durable allocation of this zone in this pool, service to VIP. */
    public Map<String, InetAddress> allocations() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(vipByService));
    }

    /** The pool VIPs come from. */
    public Cidr pool() {
        return pool.cidr();
    }

    /** The zone whose services this allocator serves. */
    public String zone() {
        return zone;
    }

    private void restore(Allocation allocation) throws IOException {
        if (!pool.cidr().contains(allocation.address())) {
            return; // another pool (the other address family, or a pool since changed)
        }
        Allocation holder = holderByAddress.get(allocation.address());
        if (holder != null && !(holder.zone().equals(allocation.zone())
                && holder.service().equals(allocation.service()))) {
            throw new IOException("store holds " + allocation.address().getHostAddress() + " for both "
                    + holder.zone() + "/" + holder.service() + " and " + allocation.zone() + "/" + allocation.service());
        }
        InetAddress vip = allocation.zone().equals(zone) ? vipByService.get(allocation.service()) : null;
        if (vip != null && !vip.equals(allocation.address())) {
            throw new IOException("store holds two VIPs in pool " + pool.cidr() + " for " + zone + "/"
                    + allocation.service() + ": " + vip.getHostAddress() + " and "
                    + allocation.address().getHostAddress());
        }
        remember(allocation);
    }

    private void remember(Allocation allocation) {
        holderByAddress.put(allocation.address(), allocation);
        if (allocation.zone().equals(zone)) {
            vipByService.put(allocation.service(), allocation.address());
        }
    }

    /**
     * Linear probing from the preferred index. Each failed probe hits a distinct taken address,
     * so at most (taken + 1) probes find a free one; probing the whole pool proves exhaustion.
     */
    private InetAddress probe(String service, Set<InetAddress> reserved, Map<InetAddress, String> pending,
            long reservedInPool) {
        long taken = holderByAddress.size() + pending.size() + reservedInPool;
        BigInteger probes = pool.usableCount().min(BigInteger.valueOf(taken).add(BigInteger.ONE));
        BigInteger index = pool.preferredIndex(zone, service);
        for (BigInteger i = BigInteger.ZERO; i.compareTo(probes) < 0; i = i.add(BigInteger.ONE)) {
            InetAddress candidate = pool.address(index);
            if (!holderByAddress.containsKey(candidate) && !pending.containsKey(candidate)
                    && !reserved.contains(candidate)) {
                return candidate;
            }
            index = index.add(BigInteger.ONE);
            if (index.equals(pool.usableCount())) {
                index = BigInteger.ZERO;
            }
        }
        return null;
    }

    private String exhausted(Set<InetAddress> reserved, Map<InetAddress, String> pending) {
        long reservedOnly = reserved.stream()
                .filter(pool::isUsable)
                .filter(address -> !holderByAddress.containsKey(address) && !pending.containsKey(address))
                .count();
        BigInteger size = pool.usableCount();
        String why = reservedOnly == 0 ? "all held"
                : size.subtract(BigInteger.valueOf(reservedOnly)) + " held, " + reservedOnly + " reserved";
        return "pool " + pool.cidr() + " exhausted: " + size + " addresses, " + why;
    }
}
