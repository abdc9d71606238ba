package dev.meshdns.sync.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.controlplane.MeshDnsControlPlane;
import dev.meshdns.controlplane.ServiceEntryPublisher;
import dev.meshdns.sync.v1.ServiceEntry;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** mesh-dns's own gRPC endpoint serving its entries over Delta ADS, on a real socket, to a raw stream. */
class GrpcEndpointIT {
    private final ServiceEntryPublisher publisher = ServiceEntryPublisher.serving("test-serve-entries");
    private GrpcEndpoint endpoint;
    private ManagedChannel channel;

    @AfterEach
    void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (endpoint != null) {
            endpoint.close();
        }
        publisher.close();
    }

    @Test
    void aFollowerResumingWithMoreVersionsThanFitInFourMebibytesIsSentNothing() throws Exception {
        // 60,000 names of 63 characters: a resuming follower's first request is over 5 MB.
        List<ServiceEntry> many = IntStream.range(0, 60_000)
                .mapToObj(i -> ServiceEntry.newBuilder().setService("f" + "x".repeat(56) + String.format("%06d", i))
                        .setVip("240.3." + (i / 250) + "." + (i % 250)).build())
                .toList();
        publisher.update(many, List.of());
        endpoint = GrpcEndpoint.start(new InetSocketAddress("127.0.0.1", 0), List.of(publisher.service()));
        channel = Grpc.newChannelBuilderForAddress("127.0.0.1", endpoint.address().getPort(),
                InsecureChannelCredentials.create()).build();

        BlockingQueue<Object> first = new LinkedBlockingQueue<>();
        subscribe(first, Map.of());
        Map<String, String> held = new HashMap<>();
        while (held.size() < many.size()) {
            if (!(first.poll(10, TimeUnit.SECONDS) instanceof DeltaDiscoveryResponse response)) {
                throw new AssertionError("the first stream ended before every entry arrived");
            }
            response.getResourcesList().forEach(resource -> held.put(resource.getName(), resource.getVersion()));
        }

        BlockingQueue<Object> resumed = new LinkedBlockingQueue<>();
        subscribe(resumed, held);

        assertThat(resumed.poll(500, TimeUnit.MILLISECONDS)).as("what the resumed stream got").isNull();
        publisher.update(List.of(ServiceEntry.newBuilder().setService("new").build()), List.of());
        assertThat(resumed.poll(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(DeltaDiscoveryResponse.class,
                response -> assertThat(response.getResourcesList()).extracting(Resource::getName).containsExactly("new"));
    }

    private void subscribe(BlockingQueue<Object> received, Map<String, String> held) {
        StreamObserver<DeltaDiscoveryRequest> requests = AggregatedDiscoveryServiceGrpc.newStub(channel)
                .deltaAggregatedResources(new StreamObserver<>() {
                    @Override
                    public void onNext(DeltaDiscoveryResponse response) {
                        received.add(response);
                    }

                    @Override
                    public void onError(Throwable t) {
                        received.add(t);
                    }

                    @Override
                    public void onCompleted() {
                        received.add("completed");
                    }
                });
        requests.onNext(DeltaDiscoveryRequest.newBuilder().setNode(Node.newBuilder().setId("follower"))
                .setTypeUrl(MeshDnsControlPlane.TYPE_URL).addResourceNamesSubscribe("*")
                .putAllInitialResourceVersions(held).build());
    }
}
