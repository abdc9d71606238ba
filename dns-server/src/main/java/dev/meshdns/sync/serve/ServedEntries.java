package dev.meshdns.sync.serve;

import dev.meshdns.apply.EntryFeed;
import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.controlplane.ServiceEntryPublisher;
import dev.meshdns.table.ServiceVips;
import dev.meshdns.vip.OpenHashMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entries a mesh-dns serves to its followers over Delta ADS: each applied entry with the VIPs it
 * answers now ({@code vip}/{@code vip6} replaced by them, empty when it has none, so a follower
 * knows the service and answers SERVFAIL rather than NXDOMAIN). Only what changed since the last
 * publish is converted and hashed: a patch costs its services, a full apply one comparison per
 * entry. Confined to the {@code meshdns-vip-store} thread, as every {@link EntryFeed}.
 */
public final class ServedEntries implements EntryFeed {
    private static final Logger log = LoggerFactory.getLogger(ServedEntries.class);

    /** What was last handed to the publisher for one service. */
    private record Served(ServiceEntry entry, ServiceVips vips) {
        boolean same(ServiceEntry otherEntry, ServiceVips otherVips) {
            return (entry == otherEntry || entry.equals(otherEntry)) && sameVips(vips, otherVips);
        }
    }

    private final ServiceEntryPublisher publisher;
    private Map<String, Served> served = new OpenHashMap<>();

    public ServedEntries(ServiceEntryPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public void full(List<ServiceEntry> entries, Map<String, ServiceVips> vips) {
        try {
            Map<String, Served> next = new OpenHashMap<>(entries.size());
            List<dev.meshdns.sync.v1.ServiceEntry> changed = new ArrayList<>();
            for (ServiceEntry entry : entries) {
                ServiceVips answered = vips.get(entry.service());
                Served old = served.remove(entry.service());
                if (old != null && old.same(entry, answered)) {
                    next.put(entry.service(), old);
                } else {
                    next.put(entry.service(), new Served(entry, answered));
                    changed.add(proto(entry, answered));
                }
            }
            List<String> removed = List.copyOf(served.keySet());
            served = next;
            publisher.update(changed, removed);
            log.debug("serving {} entries: {} added or changed, {} removed", next.size(), changed.size(), removed.size());
        } catch (RuntimeException e) {
            log.error("the entries served to followers were not updated", e);
        }
    }

    @Override
    public void patched(Collection<ServiceEntry> upserted, Collection<String> removed, Map<String, ServiceVips> vips) {
        try {
            List<dev.meshdns.sync.v1.ServiceEntry> changed = new ArrayList<>(upserted.size());
            for (ServiceEntry entry : upserted) {
                ServiceVips answered = vips.get(entry.service());
                Served old = served.put(entry.service(), new Served(entry, answered));
                if (old == null || !old.same(entry, answered)) {
                    changed.add(proto(entry, answered));
                }
            }
            removed.forEach(served::remove);
            publisher.update(changed, removed);
        } catch (RuntimeException e) {
            log.error("the entries served to followers were not updated", e);
        }
    }

    /** The entry as served: its VIPs are the ones answered now (a pin that lost to a held VIP is not served). */
    static dev.meshdns.sync.v1.ServiceEntry proto(ServiceEntry entry, ServiceVips vips) {
        var proto = dev.meshdns.sync.v1.ServiceEntry.newBuilder()
                .setService(entry.service())
                .addAllHostnames(entry.hostnames())
                .addAllPorts(entry.ports());
        if (vips != null && vips.v4() != null) {
            proto.setVip(vips.v4().getHostAddress());
        }
        if (vips != null && vips.v6() != null) {
            proto.setVip6(vips.v6().getHostAddress());
        }
        return proto.build();
    }

    private static boolean sameVips(ServiceVips a, ServiceVips b) {
        return a == b || a != null && b != null && Objects.equals(a.v4(), b.v4()) && Objects.equals(a.v6(), b.v6());
    }
}
