package dev.meshdns.sync.serve;

import dev.meshdns.apply.EntryFeed;
import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.controlplane.ServiceEntryPublisher;
import dev.meshdns.table.ServiceVips;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entries a mesh-dns serves to its followers over Delta ADS: each applied entry with the VIPs it
 * answers now ({@code vip}/{@code vip6} replaced by them, empty when it has none, so a follower
 * knows the service and answers SERVFAIL rather than NXDOMAIN). Only what a publish changed is
 * converted and hashed (the applier tells which entries those are), so a patch costs its services
 * and a full apply one comparison per entry there; nothing per service is kept here. Called on the
 * {@code meshdns-vip-store} thread, as every {@link EntryFeed}.
 */
public final class ServedEntries implements EntryFeed {
    private static final Logger log = LoggerFactory.getLogger(ServedEntries.class);

    private final ServiceEntryPublisher publisher;

    public ServedEntries(ServiceEntryPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public void published(Collection<ServiceEntry> upserted, Collection<String> removed, Map<String, ServiceVips> vips) {
        try {
            List<dev.meshdns.sync.v1.ServiceEntry> changed = new ArrayList<>(upserted.size());
            for (ServiceEntry entry : upserted) {
                changed.add(proto(entry, vips.get(entry.service())));
            }
            publisher.update(changed, removed);
            log.debug("serving {} entries: {} added or changed, {} removed", vips.size(), changed.size(), removed.size());
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
}
