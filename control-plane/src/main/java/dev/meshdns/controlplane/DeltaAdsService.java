package dev.meshdns.controlplane;

import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gRPC face of the control plane: {@code DeltaAggregatedResources} streams, each handed to
 * the {@link EntryDistributor} on the serial executor (the state-of-the-world
 * {@code StreamAggregatedResources} stays UNIMPLEMENTED). Thread-safe: gRPC calls it from its own
 * threads and it only enqueues.
 */
final class DeltaAdsService extends AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase {
    private final EntryDistributor distributor;
    private final Executor serial;
    private final AtomicLong streamIds = new AtomicLong();

    DeltaAdsService(EntryDistributor distributor, Executor serial) {
        this.distributor = distributor;
        this.serial = serial;
    }

    private void enqueue(Runnable task) {
        try {
            serial.execute(task);
        } catch (RejectedExecutionException e) {
            // The control plane is closed; the stream's last callbacks have nothing left to update.
        }
    }

    @Override
    public StreamObserver<DeltaDiscoveryRequest> deltaAggregatedResources(
            StreamObserver<DeltaDiscoveryResponse> responseObserver) {
        var responses = (ServerCallStreamObserver<DeltaDiscoveryResponse>) responseObserver;
        DeltaStream stream = new DeltaStream(streamIds.incrementAndGet(), responses);
        enqueue(() -> distributor.opened(stream));
        return new StreamObserver<>() {
            @Override
            public void onNext(DeltaDiscoveryRequest request) {
                enqueue(() -> distributor.request(stream, request));
            }

            @Override
            public void onError(Throwable t) {
                enqueue(() -> distributor.closed(stream, "client went away: " + t.getMessage()));
            }

            @Override
            public void onCompleted() {
                enqueue(() -> {
                    stream.complete();
                    distributor.closed(stream, "client ended the stream");
                });
            }
        };
    }
}
