package dev.meshdns.apply;

import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.table.ServiceVips;
import dev.meshdns.vip.AllocationResult;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VIP side of a patch: claims the VIPs of added services and releases those of removed ones,
 * both families, and says when only a full apply may decide. Keeps the pins of the last full apply
 * (a patch never involves a pin, so they are the addresses new VIPs must avoid). Confined to the
 * {@code meshdns-vip-store} thread.
 */
final class VipPatch {
    private static final Logger log = LoggerFactory.getLogger(VipPatch.class);

    private final VipSource v4;
    private final VipSource v6;
    private Set<InetAddress> pins4 = Set.of();
    private Set<InetAddress> pins6 = Set.of();
    // Following (no pool): who holds each address, as of the last full apply and the patches since.
    private final Map<InetAddress, String> holders = new HashMap<>();

    VipPatch(VipSource v4, VipSource v6) {
        this.v4 = v4;
        this.v6 = v6;
    }

    /** Takes the pins of a catalog just applied in full. */
    void remember(List<ServiceEntry> entries) {
        pins4 = pins(entries, ServiceEntry::vip);
        pins6 = pins(entries, ServiceEntry::vip6);
        holders.clear();
        if (following()) {
            for (ServiceEntry entry : entries) {
                holders.put(entry.vip(), entry.service()); // a clean apply: every entry pins a VIP of its own
                if (entry.vip6() != null) {
                    holders.put(entry.vip6(), entry.service());
                }
            }
        }
    }

    /** A follower's families: every VIP comes pinned by the source followed. */
    private boolean following() {
        return v4 == VipSource.UNASSIGNED && (v6 == VipSource.NONE || v6 == VipSource.UNASSIGNED);
    }

    /**
     * A follower's patch: the pinned VIPs of the added and changed services; empty when one has no
     * VIP (the full apply reports it) or takes an address another service holds (the full apply
     * decides who keeps it). Nothing is claimed: there is no store.
     */
    private Optional<Map<String, ServiceVips>> followed(CatalogDiff diff, AppliedEntries applied) {
        Map<InetAddress, String> taken = new HashMap<>();
        Map<String, ServiceVips> vips = new LinkedHashMap<>();
        for (List<ServiceEntry> entries : List.of(diff.added(), diff.changed())) {
            for (ServiceEntry entry : entries) {
                if (entry.vip() == null) {
                    return Optional.empty();
                }
                for (InetAddress pin : new InetAddress[] {entry.vip(), entry.vip6()}) {
                    if (pin == null) {
                        continue;
                    }
                    String holder = holders.get(pin);
                    if (holder != null && !holder.equals(entry.service())
                            || taken.putIfAbsent(pin, entry.service()) != null) {
                        return Optional.empty();
                    }
                }
                vips.put(entry.service(), new ServiceVips(entry.vip(), entry.vip6(), null, null));
            }
        }
        for (List<ServiceEntry> entries : List.of(diff.changed(), diff.removed())) {
            for (ServiceEntry entry : entries) {
                ServiceEntry old = applied.get(entry.service());
                if (old != null) {
                    holders.remove(old.vip(), old.service());
                    holders.remove(old.vip6(), old.service());
                }
            }
        }
        taken.forEach((pin, service) -> holders.put(pin, service));
        return Optional.of(vips);
    }

    /**
     * The VIPs of the added services (a follower's: of the changed ones too), made durable, with those
     * of the removed services released;
     * empty when the full apply must decide: a pin among the changed entries, a service left
     * without a VIP, the store failing, or another writer's changes seen meanwhile that moved a VIP
     * answered now ({@code published}, as of {@code applied}).
     */
    Optional<Map<String, ServiceVips>> apply(CatalogDiff diff, AppliedEntries applied,
                                             Map<String, ServiceVips> published) {
        if (following()) {
            return followed(diff, applied);
        }
        for (List<ServiceEntry> entries : List.of(diff.added(), diff.changed(), diff.removed())) {
            for (ServiceEntry entry : entries) {
                ServiceEntry old = applied.get(entry.service());
                if (entry.vip() != null || entry.vip6() != null
                        || old != null && (old.vip() != null || old.vip6() != null)) {
                    return Optional.empty();
                }
            }
        }
        List<String> added = diff.added().stream().map(ServiceEntry::service).toList();
        List<String> removed = diff.removed().stream().map(ServiceEntry::service).toList();
        long seen = v4.foreignChanges() + v6.foreignChanges();
        AllocationResult four;
        AllocationResult six;
        try {
            if (!removed.isEmpty()) {
                v4.release(removed);
                v6.release(removed);
            }
            four = added.isEmpty() ? AllocationResult.empty() : v4.allocate(added, pins4);
            six = added.isEmpty() ? AllocationResult.empty() : v6.allocate(added, pins6);
        } catch (IOException | RuntimeException e) {
            log.debug("patching VIPs failed, applying in full: {}", e.toString());
            return Optional.empty();
        }
        boolean foreign = v4.foreignChanges() + v6.foreignChanges() != seen;
        if (!four.failures().isEmpty() || !six.failures().isEmpty()
                || foreign && !stillHeld(published, applied, Set.copyOf(removed))) {
            return Optional.empty();
        }
        Map<String, ServiceVips> vips = new LinkedHashMap<>();
        for (String service : added) {
            InetAddress a = four.vips().get(service);
            InetAddress aaaa = six.vips().get(service);
            vips.put(service, new ServiceVips(a instanceof Inet4Address v ? v : null,
                    aaaa instanceof Inet6Address v ? v : null, null, null));
        }
        return Optional.of(vips);
    }

    /**
     * True when every allocated VIP answered now (pins aside, services in {@code except} aside) is
     * still the one its service holds in the store, as other writers' changes may have left it.
     * One lookup per published service.
     */
    boolean stillHeld(Map<String, ServiceVips> published, AppliedEntries applied, Set<String> except) {
        for (Map.Entry<String, ServiceVips> answered : published.entrySet()) {
            String service = answered.getKey();
            ServiceEntry entry = applied.get(service);
            if (entry == null) {
                return false;
            }
            if (except.contains(service)) {
                continue;
            }
            ServiceVips vips = answered.getValue();
            if (entry.vip() == null && v4 != VipSource.NONE && !Objects.equals(vips.v4(), v4.vipOf(service))
                    || entry.vip6() == null && v6 != VipSource.NONE && !Objects.equals(vips.v6(), v6.vipOf(service))) {
                return false;
            }
        }
        return true;
    }

    private static Set<InetAddress> pins(List<ServiceEntry> entries, Function<ServiceEntry, InetAddress> pinOf) {
        Set<InetAddress> pins = new HashSet<>();
        for (ServiceEntry entry : entries) {
            InetAddress pin = pinOf.apply(entry);
            if (pin != null) {
                pins.add(pin);
            }
        }
        return Set.copyOf(pins);
    }
}
