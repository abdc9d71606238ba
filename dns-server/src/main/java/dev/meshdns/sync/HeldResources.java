package dev.meshdns.sync;

import dev.meshdns.catalog.EntryList;
import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.vip.OpenHashMap;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The control-plane resources the client holds, by xDS name with their versions, and their entries
 * in the same order as an immutable {@link EntryList}. A response is applied resource by resource:
 * good ones replace what was held, bad ones (refused by {@link ParsedResponse}) keep their last good
 * state. Not thread-safe: confined
 * to {@code meshdns-sync}.
 */
final class HeldResources {
    /**
     * In the order the resources came: the last-known-good file is written walking it, and in that
     * order its entries lie together in memory (in an open-addressed map's order the walk of a
     * million took 1.3 s more).
     */
    private final Map<String, SyncedEntry> byName = new LinkedHashMap<>();
    /**
     * The one name holding each service: names are the service in any case, so two can name one.
     * Open-addressed: no node per service (32 MB at a million, promoted during the first sync).
     */
    private final Map<String, String> nameOfService = new OpenHashMap<>();
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
            SyncedEntry gone = byName.remove(name);
            if (gone != null) {
                nameOfService.remove(gone.entry().service());
                entries.remove(gone.entry().service());
                applied++;
            }
        }
        return new Applied(applied, response.problems());
    }

    /** Every held resource, for the last-known-good file and {@code initial_resource_versions}. */
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
