package dev.meshdns;

import dev.meshdns.catalog.ServiceEntry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What changed between the entries last applied and a new catalog, service by service: entries
 * added, entries changed (the new ones) and entries removed (the old ones). Pure.
 */
record CatalogDiff(List<ServiceEntry> added, List<ServiceEntry> changed, List<ServiceEntry> removed) {

    /**
     * The difference, or empty when more than {@code limit} services changed. {@code entries} name
     * each service once, as a merged catalog does ({@code CatalogMerger}). Costs one pass over the
     * catalog, and a set of its services only when some left.
     */
    static Optional<CatalogDiff> of(Map<String, ServiceEntry> applied, List<ServiceEntry> entries, int limit) {
        List<ServiceEntry> added = new ArrayList<>();
        List<ServiceEntry> changed = new ArrayList<>();
        for (ServiceEntry entry : entries) {
            ServiceEntry old = applied.get(entry.service());
            if (old == null) {
                added.add(entry);
            } else if (old != entry && !old.equals(entry)) {
                changed.add(entry);
            }
            if (added.size() + changed.size() > limit) {
                return Optional.empty();
            }
        }
        int removedCount = applied.size() - (entries.size() - added.size());
        List<ServiceEntry> removed = new ArrayList<>();
        if (removedCount != 0) {
            Set<String> live = new HashSet<>(entries.size() * 4 / 3 + 1);
            for (ServiceEntry entry : entries) {
                if (!live.add(entry.service())) {
                    return Optional.empty();
                }
            }
            applied.forEach((service, entry) -> {
                if (!live.contains(service)) {
                    removed.add(entry);
                }
            });
            if (removed.size() != removedCount || added.size() + changed.size() + removed.size() > limit) {
                return Optional.empty(); // a service named twice makes the counts disagree
            }
        }
        return Optional.of(new CatalogDiff(added, changed, removed));
    }

    boolean isEmpty() {
        return added.isEmpty() && changed.isEmpty() && removed.isEmpty();
    }

    int size() {
        return added.size() + changed.size() + removed.size();
    }
}
