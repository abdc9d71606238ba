package dev.meshdns.apply;

import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.table.ServiceVips;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The entries last applied, by service ({@link EntriesByService}: no record per service), and what a
 * new catalog changes about them. A diff costs one pass over the catalog and, only when services
 * left, one over what was applied: each applied service is stamped when the catalog names it, so no
 * set of the catalog's services is built. Not thread-safe: confined to the thread that applies
 * catalogs.
 */
final class AppliedEntries {
    private EntriesByService byService = new EntriesByService(0);
    private int pass;

    ServiceEntry get(String service) {
        return byService.get(service);
    }

    void replaceAll(List<ServiceEntry> entries) {
        byService = new EntriesByService(entries.size());
        entries.forEach(byService::put);
    }

    /**
     * What {@code entries} change, or empty when more than {@code limit} services changed or a
     * service is named twice (a merged catalog never does that; a full apply sorts it out).
     */
    Optional<CatalogDiff> diff(List<ServiceEntry> entries, int limit) {
        int stamp = ++pass;
        List<ServiceEntry> added = new ArrayList<>();
        List<ServiceEntry> changed = new ArrayList<>();
        Set<String> addedServices = new HashSet<>();
        int named = 0;
        for (ServiceEntry entry : entries) {
            int slot = byService.slotOf(entry.service());
            if (slot < 0) {
                if (!addedServices.add(entry.service())) {
                    return Optional.empty();
                }
                added.add(entry);
            } else {
                if (byService.stampAt(slot) == stamp) {
                    return Optional.empty();
                }
                byService.stamp(slot, stamp);
                named++;
                ServiceEntry old = byService.entryAt(slot);
                if (old != entry && !old.equals(entry)) {
                    changed.add(entry);
                }
            }
            if (added.size() + changed.size() > limit) {
                return Optional.empty();
            }
        }
        List<ServiceEntry> removed = new ArrayList<>();
        if (named < byService.size()) {
            byService.forEachNotStamped(stamp, removed::add);
        }
        if (added.size() + changed.size() + removed.size() > limit) {
            return Optional.empty();
        }
        return Optional.of(new CatalogDiff(added, changed, removed));
    }

    /**
     * What a full apply of {@code entries} with {@code vips} changes against these entries applied with
     * {@code before}: an entry is changed when it or its VIPs differ (the reasons for no VIP aside);
     * removed are the services {@code vips} lacks. Entries not applied before are added.
     */
    CatalogDiff changes(List<ServiceEntry> entries, Map<String, ServiceVips> vips, Map<String, ServiceVips> before) {
        List<ServiceEntry> added = new ArrayList<>();
        List<ServiceEntry> changed = new ArrayList<>();
        for (ServiceEntry entry : entries) {
            ServiceEntry old = byService.get(entry.service());
            if (old == null) {
                added.add(entry);
            } else if (old != entry && !old.equals(entry)
                    || !sameVips(before.get(entry.service()), vips.get(entry.service()))) {
                changed.add(entry);
            }
        }
        List<ServiceEntry> removed = new ArrayList<>();
        byService.forEach(old -> {
            if (!vips.containsKey(old.service())) {
                removed.add(old);
            }
        });
        return new CatalogDiff(added, changed, removed);
    }

    private static boolean sameVips(ServiceVips a, ServiceVips b) {
        return a == b || a != null && b != null && Objects.equals(a.v4(), b.v4()) && Objects.equals(a.v6(), b.v6());
    }

    /** Takes the diff as applied. */
    void apply(CatalogDiff diff) {
        diff.removed().forEach(entry -> byService.remove(entry.service()));
        diff.changed().forEach(byService::put);
        diff.added().forEach(byService::put);
    }
}
