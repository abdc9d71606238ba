package dev.meshdns.sync;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The control plane's side of a Delta ADS stream, driven by the test: it records every request
 * (first requests, ACKs and NACKs) and sends the responses the test writes. On real gRPC. Its
 * response headers go with the first response (gRPC's default), or as soon as a stream is accepted
 * ({@link #startSendingHeadersOnAccept}, like the reference control plane).
 */
final class FakeAdsServer implements AutoCloseable {
    final BlockingQueue<DeltaDiscoveryRequest> requests = new LinkedBlockingQueue<>();
    private final AtomicInteger nonces = new AtomicInteger();
    private final Server server;
    private volatile StreamObserver<DeltaDiscoveryResponse> responses;

    private FakeAdsServer(int port, boolean headersOnAccept) throws IOException {
        var service = new AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase() {
            @Override
            public StreamObserver<DeltaDiscoveryRequest> deltaAggregatedResources(
                    StreamObserver<DeltaDiscoveryResponse> out) {
                responses = out;
                return new StreamObserver<>() {
                    @Override
                    public void onNext(DeltaDiscoveryRequest request) {
                        requests.add(request);
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                    }
                };
            }
        };
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                .addService(headersOnAccept ? ServerInterceptors.intercept(service, headersOnAccept())
                        : service.bindService())
                .build().start();
    }

    static FakeAdsServer start() throws IOException {
        return new FakeAdsServer(0, false);
    }

    static FakeAdsServer start(int port) throws IOException {
        return new FakeAdsServer(port, false);
    }

    static FakeAdsServer startSendingHeadersOnAccept() throws IOException {
        return new FakeAdsServer(0, true);
    }

    private static ServerInterceptor headersOnAccept() {
        return new ServerInterceptor() {
            @Override
            public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call,
                    Metadata headers, ServerCallHandler<ReqT, RespT> next) {
                call.sendHeaders(new Metadata());
                return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                    @Override
                    public void sendHeaders(Metadata ignored) {
                    }
                }, headers);
            }
        };
    }

    int port() {
        return server.getPort();
    }

    String target() {
        return "127.0.0.1:" + port();
    }

    DeltaDiscoveryRequest nextRequest() throws InterruptedException {
        DeltaDiscoveryRequest request = requests.poll(10, TimeUnit.SECONDS);
        if (request == null) {
            throw new AssertionError("no request from the client within 10 s");
        }
        return request;
    }

    /** Sends a response and returns its nonce. */
    String send(DeltaDiscoveryResponse.Builder response) {
        String nonce = "n" + nonces.incrementAndGet();
        responses.onNext(response.setTypeUrl(ServiceEntryResource.TYPE_URL).setNonce(nonce).build());
        return nonce;
    }

    /**
     * Whether the current stream would take another response without buffering it here: false once
     * the client stopped taking them (gRPC's {@code isReady}).
     */
    boolean ready() {
        return ((ServerCallStreamObserver<DeltaDiscoveryResponse>) responses).isReady();
    }

    /** Ends the current stream as a restarting control plane would. */
    void dropStream() {
        responses.onError(Status.UNAVAILABLE.withDescription("restarting").asRuntimeException());
    }

    static Resource resource(String name, String version, dev.meshdns.sync.v1.ServiceEntry entry) {
        return Resource.newBuilder().setName(name).setVersion(version).setResource(Any.pack(entry)).build();
    }

    static Resource resource(String service, String version, String hostname) {
        return resource(service, version, dev.meshdns.sync.v1.ServiceEntry.newBuilder().setService(service)
                .addHostnames(hostname).build());
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
