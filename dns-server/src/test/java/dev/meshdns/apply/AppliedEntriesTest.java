package dev.meshdns.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.table.ServiceVips;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AppliedEntriesTest {
    private static final ServiceEntry WEB = ServiceEntry.of("web");
    private static final ServiceEntry API = ServiceEntry.of("api");
    private static final ServiceEntry DB = ServiceEntry.of("db");
    private static final ServiceEntry WEB_WITH_HOSTNAME =
            new ServiceEntry("web", List.of("web.shop.example"), null, null, List.of());

    private final AppliedEntries applied = new AppliedEntries();

    @Test
    void diffNamesTheAddedTheChangedAndTheRemovedServices() {
        applied.replaceAll(List.of(WEB, API));

        CatalogDiff diff = applied.diff(List.of(WEB_WITH_HOSTNAME, DB), 10).orElseThrow();

        assertThat(diff.added()).containsExactly(DB);
        assertThat(diff.changed()).containsExactly(WEB_WITH_HOSTNAME);
        assertThat(diff.removed()).containsExactly(API);
    }

    @Test
    void anEqualEntryIsNoChange() {
        applied.replaceAll(List.of(WEB, API));

        assertThat(applied.diff(List.of(ServiceEntry.of("api"), ServiceEntry.of("web")), 10).orElseThrow().isEmpty())
                .isTrue();
    }

    @Test
    void aTakenDiffIsTheNewBaseline() {
        applied.replaceAll(List.of(WEB, API));
        applied.apply(applied.diff(List.of(WEB_WITH_HOSTNAME, DB), 10).orElseThrow());

        assertThat(applied.get("web")).isEqualTo(WEB_WITH_HOSTNAME);
        assertThat(applied.get("api")).isNull();
        assertThat(applied.diff(List.of(DB, WEB_WITH_HOSTNAME), 10).orElseThrow().isEmpty()).isTrue();
        assertThat(applied.diff(List.of(DB), 10).orElseThrow().removed()).containsExactly(WEB_WITH_HOSTNAME);
    }

    @Test
    void moreChangesThanTheLimitOrAServiceNamedTwiceHaveNoDiff() {
        applied.replaceAll(List.of(WEB, API));

        assertThat(applied.diff(List.of(WEB, API, DB, ServiceEntry.of("cache")), 1)).isEmpty();
        assertThat(applied.diff(List.of(), 1)).isEmpty();
        assertThat(applied.diff(List.of(WEB, WEB, DB), 10)).isEmpty();
        assertThat(applied.diff(List.of(WEB, API, DB, DB), 10)).isEmpty();
    }

    @Test
    void changesOfAFullApplyAreTheEntriesWithAnotherEntryOrVipAndTheServicesLeft() throws Exception {
        ServiceVips seven = ServiceVips.of((Inet4Address) InetAddress.getByName("240.0.0.7"));
        ServiceVips eight = ServiceVips.of((Inet4Address) InetAddress.getByName("240.0.0.8"));
        applied.replaceAll(List.of(WEB, API, DB));

        CatalogDiff changes = applied.changes(List.of(WEB_WITH_HOSTNAME, ServiceEntry.of("api"), ServiceEntry.of("cache")),
                Map.of("web", seven, "api", eight, "cache", seven), Map.of("web", seven, "api", seven, "db", eight));

        assertThat(changes.added()).containsExactly(ServiceEntry.of("cache"));
        assertThat(changes.changed()).as("web's entry and api's VIP changed").containsExactly(WEB_WITH_HOSTNAME, API);
        assertThat(changes.removed()).containsExactly(DB);
    }

    @Test
    void aReasonForNoVipIsNoChangeOfAFullApply() {
        applied.replaceAll(List.of(WEB));

        CatalogDiff changes = applied.changes(List.of(WEB), Map.of("web", new ServiceVips(null, null, "pool exhausted", null)),
                Map.of("web", new ServiceVips(null, null, "no VIP assigned yet", null)));

        assertThat(changes.isEmpty()).isTrue();
    }
}
