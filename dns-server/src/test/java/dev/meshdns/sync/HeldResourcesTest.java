package dev.meshdns.sync;

import static dev.meshdns.sync.FakeAdsServer.resource;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.catalog.ServiceEntry;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import org.junit.jupiter.api.Test;

/** What the client holds after each Delta xDS response: one entry per service, whatever the resource names' case. */
class HeldResourcesTest {
    private final HeldResources held = new HeldResources();

    private static dev.meshdns.sync.v1.ServiceEntry entry(String service) {
        return dev.meshdns.sync.v1.ServiceEntry.newBuilder().setService(service).build();
    }

    @Test
    void aServiceRenamedOnlyInCaseKeepsItsEntryWhenTheOldNameIsRemoved() {
        // Found by ServiceEntryResourceFuzzTest#anyResponse: two names for one service were both held,
        // and removing the old one dropped the service although the new name still held it.
        held.apply(ParsedResponse.of(DeltaDiscoveryResponse.newBuilder()
                .addResources(resource("Backend", "v1", entry("backend"))).build()));

        held.apply(ParsedResponse.of(DeltaDiscoveryResponse.newBuilder()
                .addResources(resource("backend", "v2", entry("backend")))
                .addRemovedResources("Backend").build()));

        assertThat(held.entries()).extracting(ServiceEntry::service).containsExactly("backend");
        assertThat(held.all()).extracting(SyncedEntry::name).containsExactly("backend");
    }

    @Test
    void twoNamesForOneServiceInOneResponseHoldOneResourceTheLaterOne() {
        held.apply(ParsedResponse.of(DeltaDiscoveryResponse.newBuilder()
                .addResources(resource("Web", "v1", entry("web")))
                .addResources(resource("web", "v2", entry("web"))).build()));

        assertThat(held.all()).extracting(SyncedEntry::name, SyncedEntry::version).containsExactly(
                org.assertj.core.groups.Tuple.tuple("web", "v2"));
        assertThat(held.entries()).hasSize(1);
    }

    @Test
    void aRemovalNamingAHeldServiceInOtherCaseRemovesNothing() {
        held.apply(ParsedResponse.of(DeltaDiscoveryResponse.newBuilder()
                .addResources(resource("backend", "v1", entry("backend"))).build()));

        held.apply(ParsedResponse.of(DeltaDiscoveryResponse.newBuilder().addRemovedResources("Backend").build()));

        assertThat(held.all()).extracting(SyncedEntry::name).containsExactly("backend");
    }

    @Test
    void everyResourceIsListedInTheOrderItCameAndAnUpdateKeepsItsPlace() {
        held.apply(ParsedResponse.of(DeltaDiscoveryResponse.newBuilder()
                .addResources(resource("web", "v1", entry("web")))
                .addResources(resource("db", "v1", entry("db")))
                .addResources(resource("api", "v1", entry("api"))).build()));

        held.apply(ParsedResponse.of(DeltaDiscoveryResponse.newBuilder()
                .addResources(resource("db", "v2", entry("db")))
                .addRemovedResources("web").build()));

        assertThat(held.all()).extracting(SyncedEntry::name, SyncedEntry::version).containsExactly(
                org.assertj.core.groups.Tuple.tuple("db", "v2"), org.assertj.core.groups.Tuple.tuple("api", "v1"));
        assertThat(held.entries()).extracting(ServiceEntry::service).containsExactly("db", "api");
        assertThat(held.size()).isEqualTo(2);
    }
}
