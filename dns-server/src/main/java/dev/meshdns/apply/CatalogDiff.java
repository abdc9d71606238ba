package dev.meshdns.apply;

import dev.meshdns.catalog.ServiceEntry;
import java.util.List;

/** What a new catalog changes, service by service: entries added, changed (the new ones) and removed (the old ones). */
record CatalogDiff(List<ServiceEntry> added, List<ServiceEntry> changed, List<ServiceEntry> removed) {

    boolean isEmpty() {
        return size() == 0;
    }

    int size() {
        return added.size() + changed.size() + removed.size();
    }
}
