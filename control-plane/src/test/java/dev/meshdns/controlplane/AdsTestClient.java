package dev.meshdns.controlplane;

import com.google.rpc.Status;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A raw Delta ADS client speaking the wire protocol by hand, one stream per instance. */
final class AdsTestClient implements AutoCloseable {
    private final ManagedChannel channel;
    private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    private final StreamObserver<DeltaDiscoveryRequest> requests;
    private final CountDownLatch headers = new CountDownLatch(1);

    AdsTestClient(InetSocketAddress server) {
        channel = Grpc.newChannelBuilderForAddress(server.getHostString(), server.getPort(),
                InsecureChannelCredentials.create()).build();
        StreamObserver<DeltaDiscoveryResponse> responses = new StreamObserver<>() {
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
        };
        requests = AggregatedDiscoveryServiceGrpc.newStub(channel).withInterceptors(recordHeaders())
                .deltaAggregatedResources(responses);
    }

    private ClientInterceptor recordHeaders() {
        return new ClientInterceptor() {
            @Override
            public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(MethodDescriptor<ReqT, RespT> method,
                                                                       CallOptions options, Channel next) {
                return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                    @Override
                    public void start(Listener<RespT> listener, Metadata outgoing) {
                        super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                            @Override
                            public void onHeaders(Metadata incoming) {
                                headers.countDown();
                                super.onHeaders(incoming);
                            }
                        }, outgoing);
                    }
                };
            }
        };
    }

    /** Whether the server's response headers arrived within 5 s. */
    boolean gotHeaders() throws InterruptedException {
        return headers.await(5, TimeUnit.SECONDS);
    }

    /** Wildcard subscription; {@code held} are the initial_resource_versions. */
    void subscribe(Map<String, String> held) {
        requests.onNext(DeltaDiscoveryRequest.newBuilder()
                .setNode(Node.newBuilder().setId("test-node"))
                .setTypeUrl(MeshDnsControlPlane.TYPE_URL)
                .putAllInitialResourceVersions(held)
                .build());
    }

    void ack(DeltaDiscoveryResponse response) {
        requests.onNext(DeltaDiscoveryRequest.newBuilder()
                .setTypeUrl(MeshDnsControlPlane.TYPE_URL)
                .setResponseNonce(response.getNonce())
                .build());
    }

    void nack(DeltaDiscoveryResponse response, String message) {
        requests.onNext(DeltaDiscoveryRequest.newBuilder()
                .setTypeUrl(MeshDnsControlPlane.TYPE_URL)
                .setResponseNonce(response.getNonce())
                .setErrorDetail(Status.newBuilder().setCode(3).setMessage(message))
                .build());
    }

    /** The next response, failing after 5 s or when the stream ended instead. */
    DeltaDiscoveryResponse next() throws InterruptedException {
        Object item = received.poll(5, TimeUnit.SECONDS);
        if (item instanceof DeltaDiscoveryResponse response) {
            return response;
        }
        throw new AssertionError("expected a response, got " + item);
    }

    /** Null when nothing arrives within the quiet period (the server sent nothing). */
    Object nothingFor(long millis) throws InterruptedException {
        return received.poll(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
