package dev.meshdns.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.admin.Metrics;
import dev.meshdns.admin.Readiness;
import dev.meshdns.catalog.Catalog;
import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.table.NameTable;
import dev.meshdns.table.Node;
import dev.meshdns.table.ServiceVips;
import dev.meshdns.table.ZoneSpec;
import dev.meshdns.vip.Cidr;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The catalog flow of a follower ({@code --store none}): VIPs come pinned, an entry without one is
 * "no VIP assigned yet", a change of pinned VIPs is patched in, and the feed hears what every publish changed.
 */
class FollowerApplyTest {
    private static final ZoneSpec SPEC = new ZoneSpec("mesh", 30, Cidr.parse("240.0.0.0/4"));

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicReference<NameTable> tables = new AtomicReference<>();
    private final List<String> fed = new ArrayList<>();
    private final CatalogApplier applier = new CatalogApplier(SPEC, VipSource.UNASSIGNED, VipSource.NONE, tables,
            new AtomicReference<>(Readiness.notReady("test")), new Metrics(registry), Clock.systemUTC(), (upserted, removed, vips) -> fed.add(upserted.stream().map(e -> e.service() + "="
                    + (vips.get(e.service()).v4() == null ? "none" : vips.get(e.service()).v4().getHostAddress()))
                    .toList() + " -" + removed));

    @Test
    void anEntryWithoutAPinnedVipHasNoAddressButTheReasonNoVipAssignedYet() throws UnknownHostException {
        applier.apply(catalog(pinned("web", "240.0.0.7"), ServiceEntry.of("db")));

        assertThat(applier.published().get("db")).isEqualTo(new ServiceVips(null, null, "no VIP assigned yet", null));
        assertThat(vipOf("web.mesh")).isEqualTo(InetAddress.getByName("240.0.0.7"));
    }

    @Test
    void pinnedVipsAddedChangedAndRemovedArePatchedIn() throws UnknownHostException {
        applier.apply(catalog(pinned("web", "240.0.0.7"), pinned("api", "240.0.0.8")));

        applier.apply(catalog(pinned("web", "240.0.0.9"), pinned("db", "240.0.0.10")));

        assertThat(applies("full")).isEqualTo(1);
        assertThat(applies("patch")).isEqualTo(1);
        assertThat(vipOf("web.mesh")).isEqualTo(InetAddress.getByName("240.0.0.9"));
        assertThat(vipOf("db.mesh")).isEqualTo(InetAddress.getByName("240.0.0.10"));
        assertThat(tables.get().find("api.mesh")).isNull();
        assertThat(tables.get().find("9.0.0.240.in-addr.arpa")).isNotNull();
        assertThat(tables.get().find("7.0.0.240.in-addr.arpa")).as("the old VIP's PTR").isNull();
        assertThat(fed).containsExactly("[web=240.0.0.7, api=240.0.0.8] -[]", "[web=240.0.0.9, db=240.0.0.10] -[api]");
    }

    @Test
    void aVipMovingToAnotherServiceIsAppliedInFull() throws UnknownHostException {
        applier.apply(catalog(pinned("web", "240.0.0.7"), pinned("api", "240.0.0.8")));

        applier.apply(catalog(pinned("web", "240.0.0.8"), pinned("api", "240.0.0.7")));

        assertThat(applies("patch")).isZero();
        assertThat(vipOf("web.mesh")).isEqualTo(InetAddress.getByName("240.0.0.8"));
        assertThat(vipOf("api.mesh")).isEqualTo(InetAddress.getByName("240.0.0.7"));
    }

    @Test
    void aFullApplyFeedsOnlyTheEntriesWhoseEntryOrVipChangedAndTheRemovedServices() throws UnknownHostException {
        applier.apply(catalog(pinned("web", "240.0.0.7"), pinned("api", "240.0.0.8"), pinned("db", "240.0.0.9")));

        applier.apply(catalog(pinned("web", "240.0.0.8"), pinned("api", "240.0.0.7"), ServiceEntry.of("cache")));

        assertThat(applies("patch")).isZero();
        assertThat(fed).containsExactly("[web=240.0.0.7, api=240.0.0.8, db=240.0.0.9] -[]",
                "[web=240.0.0.8, api=240.0.0.7, cache=none] -[db]");
    }

    @Test
    void aFullApplyOfTheSameEntriesFeedsNothing() throws UnknownHostException {
        applier.apply(catalog(pinned("web", "240.0.0.7"), ServiceEntry.of("db")));

        applier.applyFull();

        assertThat(fed).containsExactly("[web=240.0.0.7, db=none] -[]", "[] -[]");
    }

    @Test
    void anEntryArrivingWithoutAVipIsAppliedInFullAndAnswersNoAddress() throws UnknownHostException {
        applier.apply(catalog(pinned("web", "240.0.0.7")));

        applier.apply(catalog(pinned("web", "240.0.0.7"), ServiceEntry.of("db")));

        assertThat(applies("full")).isEqualTo(2);
        assertThat(applier.published().get("db").v4Failure()).isEqualTo("no VIP assigned yet");
    }

    private double applies(String mode) {
        return registry.get("meshdns.catalog.applies").tag("mode", mode).counter().count();
    }

    private InetAddress vipOf(String name) throws UnknownHostException {
        Node node = tables.get().find(name);
        assertThat(node).as(name).isNotNull();
        byte[] rrset = node.rrset(node.indexOf(1));
        return InetAddress.getByAddress(Arrays.copyOfRange(rrset, rrset.length - 4, rrset.length));
    }

    private static ServiceEntry pinned(String service, String vip) throws UnknownHostException {
        return new ServiceEntry(service, List.of(), (Inet4Address) InetAddress.getByName(vip), null, List.of());
    }

    private static Catalog catalog(ServiceEntry... entries) {
        return new Catalog(List.of(entries), List.of());
    }
}
