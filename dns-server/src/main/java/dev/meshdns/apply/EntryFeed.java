package dev.meshdns.apply;

import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.table.ServiceVips;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Told what was just published, right after the table is swapped in, so that whatever it passes on
 * (the entries served to followers) carries only durable VIPs. {@link #NONE} ignores it. Called on
 * the {@code meshdns-vip-store} thread only; must not block and must not throw.
 */
public interface EntryFeed {

    EntryFeed NONE = new EntryFeed() {
        @Override
        public void full(List<ServiceEntry> entries, Map<String, ServiceVips> vips) {
        }

        @Override
        public void patched(Collection<ServiceEntry> upserted, Collection<String> removed,
                            Map<String, ServiceVips> vips) {
        }
    };

    /** A full apply: these are all the entries now, {@code vips} the addresses answered for each. */
    void full(List<ServiceEntry> entries, Map<String, ServiceVips> vips);

    /** A patch: these entries were added or changed, these services removed; {@code vips} covers every entry. */
    void patched(Collection<ServiceEntry> upserted, Collection<String> removed, Map<String, ServiceVips> vips);
}
