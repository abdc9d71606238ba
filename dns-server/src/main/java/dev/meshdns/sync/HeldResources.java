package dev.meshdns.sync;

import dev.meshdns.catalog.EntryList;
import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.vip.OpenHashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The control-plane resources the client holds, by service with their xDS names and versions, and
 * their entries in the order they came as an immutable {@link EntryList}. A resource's name is its
 * service's name, perhaps in other letter case (so {@code name.toLowerCase(Locale.ROOT)} is the
 * service: {@link ServiceEntryResource} refuses any other resource, {@link LastKnownGood} any
 * other saved one), so one open-addressed map by service finds a resource by name too: at a
 * million entries a map by name beside one by service cost some 46 MB more, promoted during the
 * first sync. A response is applied resource by resource: good ones
 * replace what was held, bad ones (refused by {@link ParsedResponse}) keep their last good state.
 * Not thread-safe: confined to {@code meshdns-sync}.
 */
final class HeldResources {
    /** The one resource holding each service: two names (in other letter case) name one service. */
    private final Map<String, SyncedEntry> byService = new OpenHashMap<>();
    private final EntryList.Editor entries = new EntryList.Editor();

    /** What a response changed: how many resources were applied or removed, and why the others were not. */
    record Applied(int count, List<String> problems) {
    }

    void restore(List<SyncedEntry> saved) {
        saved.forEach(this::put);
    }

    /** Applies the checked resources and the removals of a response of the {@code ServiceEntry} type. */
    Applied apply(ParsedResponse response) {
        int applied = 0;
        for (SyncedEntry entry : response.entries()) {
            put(entry);
            applied++;
        }
        for (String name : response.removed()) {
            String service = name.toLowerCase(Locale.ROOT);
            SyncedEntry held = byService.get(service);
            if (held != null && held.name().equals(name)) {
                byService.remove(service);
                entries.remove(service);
                applied++;
            }
        }
        return new Applied(applied, response.problems());
    }

    /**
     * Every held resource, for the last-known-good file and {@code initial_resource_versions}, in
     * the order of {@link #entries}: the order they came, in which they lie together in memory (in
     * an open-addressed map's order the walk of a million took 1.3 s more). A copy.
     */
    List<SyncedEntry> all() {
        List<SyncedEntry> all = new ArrayList<>(byService.size());
        for (ServiceEntry entry : entries.list()) {
            all.add(byService.get(entry.service()));
        }
        return all;
    }

    int size() {
        return byService.size();
    }

    /** Immutable and shared with the lists before it: the merger and the catalog take it without a copy. */
    List<ServiceEntry> entries() {
        return entries.list();
    }

    /** Holds the resource; another name of its service (the same name in other case) is replaced by it. */
    private void put(SyncedEntry held) {
        byService.put(held.entry().service(), held);
        entries.put(held.entry());
    }
}
