package dev.meshdns.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.sync.v1.AllocationsUpdate;
import dev.meshdns.sync.v1.VipAllocation;
import dev.meshdns.sync.v1.VipServiceGrpc;
import dev.meshdns.sync.v1.WatchAllocationsRequest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VipWatchConsumerTest {
    private static final VipAllocation WEB = VipAllocation.newBuilder()
            .setZone("mesh").setService("web").setAddress("240.0.0.1").build();
    private static final VipAllocation API = VipAllocation.newBuilder()
            .setZone("mesh").setService("api").setAddress("240.0.0.2").build();

    private final BlockingQueue<WatchAllocationsRequest> requests = new LinkedBlockingQueue<>();
    private final BlockingQueue<StreamObserver<AllocationsUpdate>> watches = new LinkedBlockingQueue<>();
    private final BlockingQueue<AllocationsUpdate> received = new LinkedBlockingQueue<>();
    private Server server;
    private VipWatchConsumer consumer;

    @BeforeEach
    void start() throws Exception {
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(new VipServiceGrpc.VipServiceImplBase() {
                    @Override
                    public void watchAllocations(WatchAllocationsRequest request,
                                                 StreamObserver<AllocationsUpdate> responses) {
                        requests.add(request);
                        watches.add(responses);
                    }
                })
                .build()
                .start();
        ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
        Backoff fast = new Backoff(Duration.ofMillis(10), Duration.ofMillis(50), Math::random);
        consumer = new VipWatchConsumer(channel, "in-process", "mesh", received::add, fast);
        consumer.begin();
    }

    @AfterEach
    void stop() {
        consumer.close();
        server.shutdownNow();
    }

    @Test
    void firstWatchAsksForTheFullStateOfItsZone() throws Exception {
        WatchAllocationsRequest first = requests.poll(5, TimeUnit.SECONDS);

        assertThat(first).isNotNull();
        assertThat(first.getZone()).isEqualTo("mesh");
        assertThat(first.getSinceRevision()).isZero();
    }

    @Test
    void fullStateThenIncrementalUpdatesReachTheListenerAndTheRevision() throws Exception {
        StreamObserver<AllocationsUpdate> watch = watches.poll(5, TimeUnit.SECONDS);
        AllocationsUpdate full = AllocationsUpdate.newBuilder()
                .setFullState(true).setRevision(3).addAllocations(WEB).addAllocations(API).build();
        AllocationsUpdate released = AllocationsUpdate.newBuilder()
                .setRevision(4).addAllocations(API.toBuilder().setReleased(true)).build();

        watch.onNext(full);
        watch.onNext(released);

        assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo(full);
        assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo(released);
        assertThat(consumer.revision()).isEqualTo(4);
    }

    @Test
    void reconnectsAfterTheWatchFailsAndResumesFromTheLastRevision() throws Exception {
        StreamObserver<AllocationsUpdate> watch = watches.poll(5, TimeUnit.SECONDS);
        watch.onNext(AllocationsUpdate.newBuilder().setFullState(true).setRevision(7).addAllocations(WEB).build());
        assertThat(received.poll(5, TimeUnit.SECONDS)).isNotNull();
        requests.clear();

        watch.onError(Status.UNAVAILABLE.withDescription("mesh-dns restarting").asRuntimeException());

        WatchAllocationsRequest resumed = requests.poll(5, TimeUnit.SECONDS);
        assertThat(resumed).isNotNull();
        assertThat(resumed.getSinceRevision()).isEqualTo(7);
    }

    @Test
    void reconnectsAfterTheServerEndsTheWatch() throws Exception {
        watches.poll(5, TimeUnit.SECONDS).onCompleted();
        requests.poll(5, TimeUnit.SECONDS);

        assertThat(requests.poll(5, TimeUnit.SECONDS)).isNotNull();
    }
}
