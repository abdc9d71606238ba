package dev.meshdns.sync;

import dev.meshdns.catalog.EntryList;
import dev.meshdns.catalog.ServiceEntries;
import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.vip.OpenHashMap;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The control-plane resources the client holds, by xDS name with their versions, and their entries,
 * in the order their services first came, as an immutable {@link EntryList}. A response is applied resource by resource:
 * good ones replace what was held, bad ones keep their last good state. Not thread-safe: confined
 * to {@code meshdns-sync}.
 */
final class HeldResources {
    // Open-addressed: no node per resource (at a million, 72 MB of nodes that the first sync promoted).
    private final Map<String, SyncedEntry> byName = new OpenHashMap<>();
    /** The one name holding each service: names are the service in any case, so two can name one. */
    private final Map<String, String> nameOfService = new OpenHashMap<>();
    private final EntryList.Editor entries = new EntryList.Editor();

    /** What a response changed: how many resources were applied or removed, and why the others were not. */
    record Applied(int count, List<String> problems) {
    }

    void restore(List<SyncedEntry> saved) {
        saved.forEach(this::put);
    }

    /** Applies the resources and removals of a response of the {@code ServiceEntry} type. */
    Applied apply(DeltaDiscoveryResponse response) {
        List<String> problems = new ArrayList<>();
        int applied = 0;
        for (Resource resource : response.getResourcesList()) {
            ServiceEntries.Checked checked = ServiceEntryResource.check(resource);
            if (checked.isValid()) {
                // The name is the service's (checked): held once, not twice, when it is in lower case.
                String service = checked.entry().service();
                String name = resource.getName().equals(service) ? service : resource.getName();
                put(new SyncedEntry(name, resource.getVersion(), checked.entry()));
                applied++;
            } else {
                problems.addAll(checked.problems());
            }
        }
        for (String name : response.getRemovedResourcesList()) {
            SyncedEntry gone = byName.remove(name);
            if (gone != null) {
                nameOfService.remove(gone.entry().service());
                entries.remove(gone.entry().service());
                applied++;
            }
        }
        return new Applied(applied, problems);
    }

    /** Every held resource, in no particular order, for the last-known-good file and {@code initial_resource_versions}. */
    Collection<SyncedEntry> all() {
        return byName.values();
    }

    int size() {
        return byName.size();
    }

    /** Immutable and shared with the lists before it: the merger and the catalog take it without a copy. */
    List<ServiceEntry> entries() {
        return entries.list();
    }

    /** Holds the resource; another name of its service (the same name in other case) is replaced by it. */
    private void put(SyncedEntry held) {
        String previous = nameOfService.put(held.entry().service(), held.name());
        if (previous != null && !previous.equals(held.name())) {
            byName.remove(previous);
        }
        byName.put(held.name(), held);
        entries.put(held.entry());
    }
}
