package dev.meshdns.sync;

import static dev.meshdns.sync.FakeAdsServer.resource;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.MeshDnsServer;
import dev.meshdns.config.ServerConfig;
import dev.meshdns.sync.v1.AllocationsUpdate;
import dev.meshdns.sync.v1.VipServiceGrpc;
import dev.meshdns.sync.v1.WatchAllocationsRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** The whole server fed by a control plane only, on real sockets: DNS, Delta ADS and the VIP watch. */
class ControlPlaneServerIT {
    @TempDir
    Path dataDir;

    private FakeAdsServer plane;
    private MeshDnsServer server;
    private ManagedChannel channel;

    @AfterEach
    void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
        if (plane != null) {
            plane.close();
        }
    }

    private MeshDnsServer startServer(String target) throws Exception {
        return MeshDnsServer.start(ServerConfig.builder().controlPlane(target).nodeId("dns-test").dataDir(dataDir)
                .dnsListen("127.0.0.1:0").adminListen("127.0.0.1:0").grpcListen("127.0.0.1:0").build());
    }

    private Record[] lookupA(String name) throws Exception {
        SimpleResolver resolver = new SimpleResolver(server.udpAddress());
        resolver.setTimeout(Duration.ofSeconds(2));
        Lookup lookup = new Lookup(name, Type.A);
        lookup.setResolver(resolver);
        lookup.setCache(null);
        return lookup.run();
    }

    private Iterator<AllocationsUpdate> watch(long since) {
        InetSocketAddress grpc = server.grpcAddress();
        channel = Grpc.newChannelBuilderForAddress("127.0.0.1", grpc.getPort(),
                InsecureChannelCredentials.create()).build();
        return VipServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
                .watchAllocations(WatchAllocationsRequest.newBuilder().setZone("mesh").setSinceRevision(since).build());
    }

    @Test
    void entriesFromTheControlPlaneAreAnsweredAndTheirVipsWatchedAndSurviveARestartWithThePlaneDown()
            throws Exception {
        plane = FakeAdsServer.start();
        server = startServer(plane.target());
        plane.nextRequest();
        Iterator<AllocationsUpdate> updates = watch(0);
        assertThat(updates.next().getFullState()).isTrue();

        plane.send(DeltaDiscoveryResponse.newBuilder().addResources(resource("web", "1", "web.shop.example")));

        AllocationsUpdate change = updates.next();
        assertThat(change.getFullState()).isFalse();
        assertThat(change.getAllocationsList()).singleElement()
                .satisfies(vip -> assertThat(vip.getService()).isEqualTo("web"))
                .satisfies(vip -> assertThat(vip.getReleased()).isFalse());
        String address = change.getAllocations(0).getAddress();
        assertThat(lookupA("web.mesh.")).extracting(Record::rdataToString).containsExactly(address);

        int port = plane.port();
        channel.shutdownNow();
        server.close();
        plane.close();
        plane = null;
        server = startServer("127.0.0.1:" + port); // the control plane is down

        assertThat(lookupA("web.mesh.")).extracting(Record::rdataToString).containsExactly(address);
        assertThat(lookupA("web.shop.example.")).extracting(Record::rdataToString).containsExactly(address);
    }
}
