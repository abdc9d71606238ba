package dev.meshdns.apply;

import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.table.ServiceVips;
import java.util.Collection;
import java.util.Map;

/**
 * Told what was just published, right after the table is swapped in, so that whatever it passes on
 * (the entries served to followers) carries only durable VIPs. {@link #NONE} ignores it. Called on
 * the {@code meshdns-vip-store} thread only, after every publish (full or patch, a change of
 * nothing included); must not block and must not throw.
 */
public interface EntryFeed {

    EntryFeed NONE = (upserted, removed, vips) -> {
    };

    /**
     * A publish: these entries are new or changed since the last one (the entry, or the VIPs
     * {@code vips} gives it), these services removed; {@code vips} covers every entry published.
     */
    void published(Collection<ServiceEntry> upserted, Collection<String> removed, Map<String, ServiceVips> vips);
}
