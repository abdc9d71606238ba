package dev.meshdns.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.sync.v1.ServiceEntry;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MeshDnsControlPlaneIT {
    private static final long QUIET_MILLIS = 300;
    private static final ServiceEntry WEB = entry("web", "240.0.0.1");
    private static final ServiceEntry API = entry("api", "240.0.0.2");
    private static final ServiceEntry DB = entry("db", "240.0.0.3");

    private MeshDnsControlPlane controlPlane;
    private final List<AdsTestClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        controlPlane = MeshDnsControlPlane.start(new InetSocketAddress("127.0.0.1", 0));
        controlPlane.replaceAll(List.of(WEB, API, DB));
    }

    @AfterEach
    void stop() throws Exception {
        for (AdsTestClient client : clients) {
            client.close();
        }
        controlPlane.close();
    }

    @Test
    void firstRequestGetsEveryEntryWithVersionsAndANonce() throws Exception {
        AdsTestClient client = connect(Map.of());

        DeltaDiscoveryResponse response = client.next();

        assertThat(response.getTypeUrl()).isEqualTo("type.googleapis.com/meshdns.v1.ServiceEntry");
        assertThat(response.getNonce()).isNotEmpty();
        assertThat(response.getRemovedResourcesList()).isEmpty();
        assertThat(entries(response)).containsExactlyInAnyOrder(WEB, API, DB);
        assertThat(response.getResourcesList()).allSatisfy(resource -> {
            assertThat(resource.getVersion()).isEqualTo(VersionedEntry.versionOf(
                    resource.getResource().unpack(ServiceEntry.class)));
            assertThat(resource.getName()).isEqualTo(resource.getResource().unpack(ServiceEntry.class).getService());
        });
    }

    @Test
    void putAfterAckSendsOneDeltaWithOnlyThatEntry() throws Exception {
        AdsTestClient client = connect(Map.of());
        DeltaDiscoveryResponse initial = client.next();
        client.ack(initial);
        ServiceEntry changed = WEB.toBuilder().addPorts(8080).build();

        controlPlane.put(changed);
        DeltaDiscoveryResponse delta = client.next();

        assertThat(entries(delta)).containsExactly(changed);
        assertThat(delta.getRemovedResourcesList()).isEmpty();
        assertThat(delta.getNonce()).isNotEqualTo(initial.getNonce());
    }

    @Test
    void putOfAnUnchangedEntrySendsNothing() throws Exception {
        AdsTestClient client = connect(Map.of());
        client.ack(client.next());

        controlPlane.put(WEB);

        assertThat(client.nothingFor(QUIET_MILLIS)).isNull();
    }

    @Test
    void removeSendsTheNameInRemovedResources() throws Exception {
        AdsTestClient client = connect(Map.of());
        client.ack(client.next());

        controlPlane.remove("api");
        DeltaDiscoveryResponse delta = client.next();

        assertThat(delta.getResourcesList()).isEmpty();
        assertThat(delta.getRemovedResourcesList()).containsExactly("api");
    }

    @Test
    void nackDoesNotBreakTheStreamAndTheRejectedVersionIsNotResent() throws Exception {
        AdsTestClient client = connect(Map.of());
        client.ack(client.next());
        controlPlane.put(entry("bad", "not-an-address"));
        DeltaDiscoveryResponse bad = client.next();

        client.nack(bad, "bad: vip \"not-an-address\" is not an IPv4 address");
        assertThat(client.nothingFor(QUIET_MILLIS)).isNull();
        controlPlane.put(entry("new", "240.0.0.9"));

        assertThat(entries(client.next())).containsExactly(entry("new", "240.0.0.9"));
    }

    @Test
    void everyConnectedStreamGetsTheDelta() throws Exception {
        AdsTestClient first = connect(Map.of());
        AdsTestClient second = connect(Map.of());
        first.ack(first.next());
        second.ack(second.next());

        controlPlane.put(entry("new", "240.0.0.9"));

        assertThat(entries(first.next())).containsExactly(entry("new", "240.0.0.9"));
        assertThat(entries(second.next())).containsExactly(entry("new", "240.0.0.9"));
    }

    @Test
    void reconnectWithMatchingVersionsIsSentNothing() throws Exception {
        AdsTestClient first = connect(Map.of());
        Map<String, String> held = versions(first.next());
        first.close();

        AdsTestClient resumed = connect(held);

        assertThat(resumed.nothingFor(QUIET_MILLIS)).isNull();
        controlPlane.put(entry("new", "240.0.0.9"));
        assertThat(entries(resumed.next())).containsExactly(entry("new", "240.0.0.9"));
    }

    @Test
    void aResumedStreamThatIsSentNothingGetsResponseHeadersAtOnce() throws Exception {
        Map<String, String> held = versions(connect(Map.of()).next());

        AdsTestClient resumed = connect(held);

        assertThat(resumed.gotHeaders()).as("response headers without any response").isTrue();
        assertThat(resumed.nothingFor(QUIET_MILLIS)).isNull();
    }

    @Test
    void entriesGivenToTheBuilderAreServedFromTheFirstStreamOn() throws Exception {
        Map<String, String> held = versions(connect(Map.of()).next());

        try (MeshDnsControlPlane started = MeshDnsControlPlane.builder()
                .listen(new InetSocketAddress("127.0.0.1", 0)).entries(List.of(WEB, API, DB)).start();
             AdsTestClient resumed = new AdsTestClient(started.address())) {
            resumed.subscribe(held);

            assertThat(resumed.gotHeaders()).isTrue();
            assertThat(resumed.nothingFor(QUIET_MILLIS)).as("nothing to send, nothing to remove").isNull();
        }
    }

    @Test
    void reconnectWithOneStaleVersionIsSentOnlyThatEntryAndRemovalsOfUnknownNames() throws Exception {
        Map<String, String> held = new HashMap<>(versions(connect(Map.of()).next()));
        held.put("api", "0000000000000000");
        held.put("gone", "1234567890abcdef");

        DeltaDiscoveryResponse response = connect(held).next();

        assertThat(entries(response)).containsExactly(API);
        assertThat(response.getRemovedResourcesList()).containsExactly("gone");
    }

    @Test
    void versionsAreStableAcrossControlPlaneInstances() throws Exception {
        Map<String, String> before = versions(connect(Map.of()).next());
        controlPlane.close();
        controlPlane = MeshDnsControlPlane.start(new InetSocketAddress("127.0.0.1", 0));
        controlPlane.replaceAll(List.of(DB, API, WEB));

        AdsTestClient resumed = connect(before);

        assertThat(resumed.nothingFor(QUIET_MILLIS)).isNull();
        assertThat(versions(connect(Map.of()).next())).isEqualTo(before);
    }

    @Test
    void replaceAllSendsOnlyWhatChangedAndWhatWasRemoved() throws Exception {
        AdsTestClient client = connect(Map.of());
        client.ack(client.next());
        ServiceEntry movedApi = entry("api", "240.0.0.20");

        controlPlane.replaceAll(List.of(WEB, movedApi));
        DeltaDiscoveryResponse delta = client.next();

        assertThat(entries(delta)).containsExactly(movedApi);
        assertThat(delta.getRemovedResourcesList()).containsExactly("db");
    }

    @Test
    void aLargeCatalogArrivesInSeveralResponsesWithDistinctNonces() throws Exception {
        List<ServiceEntry> many = IntStream.range(0, 30_000)
                .mapToObj(i -> entry("service-" + i, "240.1." + (i / 250) + "." + (i % 250)))
                .toList();
        controlPlane.replaceAll(many);
        AdsTestClient client = connect(Map.of());

        Map<String, DeltaDiscoveryResponse> byNonce = new HashMap<>();
        int resources = 0;
        while (resources < many.size()) {
            DeltaDiscoveryResponse response = client.next();
            assertThat(response.getSerializedSize()).isLessThan(2 * DeltaStream.MAX_RESPONSE_BYTES);
            byNonce.put(response.getNonce(), response);
            resources += response.getResourcesCount();
        }

        assertThat(resources).isEqualTo(many.size());
        assertThat(byNonce).hasSizeGreaterThan(1);
    }

    @Test
    void aClientResumingWithMoreVersionsThanFitInFourMebibytesIsSentNothing() throws Exception {
        // 60,000 names of 63 characters: the first request's initial_resource_versions is over 5 MB,
        // past gRPC's default 4 MiB inbound limit (a million short names is over 30 MB).
        List<ServiceEntry> many = IntStream.range(0, 60_000)
                .mapToObj(i -> entry("s" + "x".repeat(56) + String.format("%06d", i), "240.2." + (i / 250) + "." + (i % 250)))
                .toList();
        controlPlane.replaceAll(many);
        AdsTestClient first = connect(Map.of());
        Map<String, String> held = new HashMap<>();
        while (held.size() < many.size()) {
            held.putAll(versions(first.next()));
        }
        first.close();

        AdsTestClient resumed = connect(held);

        assertThat(resumed.nothingFor(QUIET_MILLIS)).isNull();
        controlPlane.put(entry("new", "240.0.0.9"));
        assertThat(entries(resumed.next())).containsExactly(entry("new", "240.0.0.9"));
    }

    private AdsTestClient connect(Map<String, String> held) {
        AdsTestClient client = new AdsTestClient(controlPlane.address());
        clients.add(client);
        client.subscribe(held);
        return client;
    }

    private static List<ServiceEntry> entries(DeltaDiscoveryResponse response) throws Exception {
        List<ServiceEntry> entries = new ArrayList<>();
        for (Resource resource : response.getResourcesList()) {
            entries.add(resource.getResource().unpack(ServiceEntry.class));
        }
        return entries;
    }

    private static Map<String, String> versions(DeltaDiscoveryResponse response) {
        return response.getResourcesList().stream().collect(Collectors.toMap(Resource::getName, Resource::getVersion));
    }

    private static ServiceEntry entry(String service, String vip) {
        return ServiceEntry.newBuilder()
                .setService(service)
                .addHostnames(service + ".shop.mesh")
                .setVip(vip)
                .addPorts(80)
                .build();
    }
}
