package dev.meshdns.apply;

import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.vip.AllocationResult;
import dev.meshdns.vip.MapCapacity;
import dev.meshdns.vip.VipAllocator;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Decides the VIPs of one address family for every entry of a catalog: pinned VIPs win, except
 * that a pin may not take an address another service already holds (a VIP once answered never
 * moves, so the pin loses and that service gets an allocated VIP instead); every other service is
 * synced with the pool, durably, in one call (services that left are released). Stateless; the
 * {@link VipSource} fixes the thread.
 */
final class VipAssignment {

    /**
     * The decision: {@code vips} holds every service that has a VIP (pins included); {@code
     * failures} the services without one and why; {@code conflicts} one message per rejected pin,
     * naming both services.
     */
    record Outcome(Map<String, InetAddress> vips, Map<String, String> failures, List<String> conflicts) {
    }

    private VipAssignment() {
    }

    /** The decision with its VIPs durable. */
    static Outcome assign(List<ServiceEntry> entries, Function<ServiceEntry, InetAddress> pinOf, VipSource source)
            throws IOException {
        Planned planned = plan(entries, pinOf, source);
        planned.claim();
        return planned.outcome();
    }

    /** The decision, its new VIPs durable once {@link Planned#claim} returned (see {@link VipSource#plan}). */
    record Planned(Outcome outcome, VipAllocator.Planned vips) {
        void claim() throws IOException {
            vips.claim();
        }
    }

    static Planned plan(List<ServiceEntry> entries, Function<ServiceEntry, InetAddress> pinOf, VipSource source)
            throws IOException {
        List<String> conflicts = new ArrayList<>();
        Map<String, InetAddress> pins = acceptedPins(entries, pinOf, source::allocations, conflicts);
        Set<InetAddress> reserved = Set.copyOf(pins.values());
        List<String> unpinned = entries.stream().map(ServiceEntry::service).filter(s -> !pins.containsKey(s)).toList();
        VipAllocator.Planned planned = source.plan(unpinned, reserved);
        return new Planned(outcome(planned.result(), pins, conflicts), planned);
    }

    /** The allocator's result with the pins that stand added. */
    private static Outcome outcome(AllocationResult result, Map<String, InetAddress> pins, List<String> conflicts) {
        if (pins.isEmpty()) {
            // Nearly every large catalog pins nothing: no copy of a million VIPs to add pins to.
            return new Outcome(result.vips(), result.failures(), conflicts);
        }
        Map<String, InetAddress> vips = new LinkedHashMap<>(result.vips());
        Map<String, String> failures = new LinkedHashMap<>(result.failures());
        Map<InetAddress, String> holders = holders(vips);
        pins.forEach((service, pin) -> {
            String holder = holders.get(pin);
            if (holder != null) {
                // Only an allocator ignoring `reserved` gets here; never answer one address twice.
                conflicts.add("service \"" + service + "\" pins VIP " + pin.getHostAddress() + " but service \""
                        + holder + "\" was just allocated it; \"" + service + "\" has no VIP this time");
                failures.put(service, "pinned VIP " + pin.getHostAddress() + " clashes with service \"" + holder + "\"");
            } else {
                vips.put(service, pin);
            }
        });
        return new Outcome(vips, failures, conflicts);
    }

    /**
     * What can be answered while the store is down: services keep the VIPs they hold, pins that
     * clash with no held VIP stand, and every other service fails with {@code why}.
     */
    static Outcome withoutStore(List<ServiceEntry> entries, Function<ServiceEntry, InetAddress> pinOf,
                                VipSource source, String why) {
        List<String> conflicts = new ArrayList<>();
        Map<String, InetAddress> held = source.allocations();
        Map<String, InetAddress> pins = acceptedPins(entries, pinOf, () -> held, conflicts);
        Map<String, InetAddress> vips = new LinkedHashMap<>();
        Map<String, String> failures = new LinkedHashMap<>();
        for (ServiceEntry entry : entries) {
            InetAddress vip = pins.containsKey(entry.service()) ? pins.get(entry.service()) : held.get(entry.service());
            if (vip != null) {
                vips.put(entry.service(), vip);
            } else if (source != VipSource.NONE) {
                failures.put(entry.service(), why);
            }
        }
        return new Outcome(vips, failures, conflicts);
    }

    /**
     * The pins that stand, service to address, in catalog order. Of two pins of one address the
     * smaller service name wins (whatever the catalog order, so replicas agree); a pin loses to an
     * unpinned service that durably holds the address; a loser becomes unpinned, which can make its
     * own durable VIP contested, hence the loop.
     */
    private static Map<String, InetAddress> acceptedPins(List<ServiceEntry> entries,
                                                         Function<ServiceEntry, InetAddress> pinOf,
                                                         Supplier<Map<String, InetAddress>> durableVips,
                                                         List<String> conflicts) {
        Map<InetAddress, String> pinnedBy = new HashMap<>();
        List<String> losers = new ArrayList<>();
        for (ServiceEntry entry : entries) {
            InetAddress pin = pinOf.apply(entry);
            if (pin == null) {
                continue;
            }
            String owner = pinnedBy.putIfAbsent(pin, entry.service());
            if (owner != null) {
                String winner = owner.compareTo(entry.service()) <= 0 ? owner : entry.service();
                String loser = winner.equals(owner) ? entry.service() : owner;
                pinnedBy.put(pin, winner);
                losers.add(conflict(loser, pin, "service \"" + winner + "\" pins it too, and of two pins of one"
                        + " address the smaller service name wins"));
            }
        }
        losers.sort(null);
        conflicts.addAll(losers);
        Map<String, InetAddress> pins = new LinkedHashMap<>();
        for (ServiceEntry entry : entries) {
            InetAddress pin = pinOf.apply(entry);
            if (pin != null && entry.service().equals(pinnedBy.get(pin))) {
                pins.put(entry.service(), pin);
            }
        }
        if (pins.isEmpty()) {
            return pins; // no pin to check against the VIPs held: they are not even looked at
        }
        Map<String, InetAddress> durable = durableVips.get();
        Set<String> inCatalog = new HashSet<>(MapCapacity.of(entries.size()));
        entries.forEach(entry -> inCatalog.add(entry.service()));
        boolean changed = true;
        while (changed) {
            changed = false;
            Map<InetAddress, String> held = new HashMap<>(MapCapacity.of(durable.size()));
            durable.forEach((service, vip) -> {
                if (inCatalog.contains(service) && !pins.containsKey(service)) {
                    held.put(vip, service);
                }
            });
            for (Map.Entry<String, InetAddress> pin : List.copyOf(pins.entrySet())) {
                String holder = held.get(pin.getValue());
                if (holder != null && !holder.equals(pin.getKey())) {
                    conflicts.add(conflict(pin.getKey(), pin.getValue(), "service \"" + holder + "\" already holds it"));
                    pins.remove(pin.getKey());
                    changed = true;
                }
            }
        }
        return pins;
    }

    private static String conflict(String service, InetAddress pin, String reason) {
        return "service \"" + service + "\" pins VIP " + pin.getHostAddress() + " but " + reason
                + "; \"" + service + "\" gets an allocated VIP instead";
    }

    private static Map<InetAddress, String> holders(Map<String, InetAddress> vips) {
        Map<InetAddress, String> holders = new HashMap<>(MapCapacity.of(vips.size()));
        vips.forEach((service, vip) -> holders.put(vip, service));
        return holders;
    }
}
