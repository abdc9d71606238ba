package dev.meshdns.apply;

import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.table.ServiceVips;
import dev.meshdns.vip.OpenHashMap;
import java.net.Inet4Address;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Function;

/**
 * The VIPs answered now, by service: an immutable map that each apply replaces. A full apply gives
 * it a new base (an {@link OpenHashMap}: two array slots per service, not a
 * {@code ConcurrentHashMap} node of 32 bytes as well); a patch shares the base and copies only the
 * overlay of what patches changed since, which is folded into a new base once it outgrows a
 * sixty-fourth of it, so a patch costs about its own services plus that share of a base copy. A
 * service with just an IPv4 VIP, nearly every one, is kept as that address alone and handed out as
 * a new {@link ServiceVips} (equal, not the same) when read. Thread-safe: immutable (neither map is
 * written after construction).
 */
final class PublishedVips extends AbstractMap<String, ServiceVips> {
    /** The overlay's value for a service a patch removed. */
    private static final ServiceVips REMOVED = new ServiceVips(null, null, null, null);
    private static final int MIN_OVERLAY = 1024;
    private static final PublishedVips EMPTY = new PublishedVips(new OpenHashMap<>(), new OpenHashMap<>(), 0);

    /** A {@link ServiceVips}, or the {@link Inet4Address} of one with only that. */
    private final Map<String, Object> base;
    private final Map<String, Object> overlay;
    private final int size;

    private PublishedVips(Map<String, Object> base, Map<String, Object> overlay, int size) {
        this.base = base;
        this.overlay = overlay;
        this.size = size;
    }

    static PublishedVips empty() {
        return EMPTY;
    }

    /** A copy of these VIPs. */
    static PublishedVips of(Map<String, ServiceVips> vips) {
        Map<String, Object> base = new OpenHashMap<>(vips.size());
        vips.forEach((service, addresses) -> base.put(service, compact(addresses)));
        return new PublishedVips(base, new OpenHashMap<>(), base.size());
    }

    /**
     * The VIPs of every entry's service, as {@code vipsOf} gives them: made straight into the base,
     * with no map of a {@link ServiceVips} per service built first and copied (a million of each
     * lived through a full apply).
     */
    static PublishedVips of(List<ServiceEntry> entries, Function<String, ServiceVips> vipsOf) {
        Map<String, Object> base = new OpenHashMap<>(entries.size());
        for (ServiceEntry entry : entries) {
            base.put(entry.service(), compact(vipsOf.apply(entry.service())));
        }
        return new PublishedVips(base, new OpenHashMap<>(), base.size());
    }

    /** A copy with these services removed, then these put; this map is unchanged. */
    PublishedVips patched(Collection<String> removed, Map<String, ServiceVips> put) {
        Map<String, Object> next = new OpenHashMap<>(overlay.size() + removed.size() + put.size());
        next.putAll(overlay);
        int nextSize = size;
        for (String service : removed) {
            nextSize -= containsKey(service) ? 1 : 0;
            next.put(service, REMOVED);
        }
        for (Map.Entry<String, ServiceVips> vips : put.entrySet()) {
            boolean present = next.containsKey(vips.getKey()) ? next.get(vips.getKey()) != REMOVED
                    : base.containsKey(vips.getKey());
            nextSize += present ? 0 : 1;
            next.put(vips.getKey(), compact(vips.getValue()));
        }
        if (next.size() <= Math.max(MIN_OVERLAY, base.size() / 64)) {
            return new PublishedVips(base, next, nextSize);
        }
        Map<String, Object> folded = new OpenHashMap<>(nextSize);
        base.forEach((service, vips) -> {
            if (!next.containsKey(service)) {
                folded.put(service, vips);
            }
        });
        next.forEach((service, vips) -> {
            if (vips != REMOVED) {
                folded.put(service, vips);
            }
        });
        return new PublishedVips(folded, new OpenHashMap<>(), folded.size());
    }

    @Override
    public ServiceVips get(Object service) {
        Object patched = overlay.get(service);
        if (patched != null) {
            return patched == REMOVED ? null : expand(patched);
        }
        Object held = base.get(service);
        return held == null ? null : expand(held);
    }

    private static Object compact(ServiceVips vips) {
        return vips.v4Only() ? vips.v4() : vips;
    }

    private static ServiceVips expand(Object held) {
        return held instanceof Inet4Address v4 ? ServiceVips.of(v4) : (ServiceVips) held;
    }

    @Override
    public boolean containsKey(Object service) {
        return get(service) != null;
    }

    @Override
    public int size() {
        return size;
    }

    /** Every service once, in no particular order. */
    @Override
    public Set<Entry<String, ServiceVips>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, ServiceVips>> iterator() {
                return new Entries();
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    /** The base's entries the overlay does not cover, then the overlay's that are not removals. */
    private final class Entries implements Iterator<Entry<String, ServiceVips>> {
        private final Iterator<Entry<String, Object>> fromBase = base.entrySet().iterator();
        private final Iterator<Entry<String, Object>> fromOverlay = overlay.entrySet().iterator();
        private Entry<String, ServiceVips> next = advance();

        private Entry<String, ServiceVips> advance() {
            while (fromBase.hasNext()) {
                Entry<String, Object> entry = fromBase.next();
                if (!overlay.containsKey(entry.getKey())) {
                    return new SimpleImmutableEntry<>(entry.getKey(), expand(entry.getValue()));
                }
            }
            while (fromOverlay.hasNext()) {
                Entry<String, Object> entry = fromOverlay.next();
                if (entry.getValue() != REMOVED) {
                    return new SimpleImmutableEntry<>(entry.getKey(), expand(entry.getValue()));
                }
            }
            return null;
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public Entry<String, ServiceVips> next() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            Entry<String, ServiceVips> entry = next;
            next = advance();
            return entry;
        }
    }
}
