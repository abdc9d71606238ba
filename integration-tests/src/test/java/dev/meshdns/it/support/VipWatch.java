package dev.meshdns.it.support;

import dev.meshdns.sync.v1.AllocationsUpdate;
import dev.meshdns.sync.v1.VipServiceGrpc;
import dev.meshdns.sync.v1.WatchAllocationsRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A test's own {@code meshdns.v1.VipService/WatchAllocations} stream to a mesh-dns
 * {@code --grpc-listen} port: the updates are queued as they arrive and taken with a deadline.
 * Thread-safe (gRPC callbacks only enqueue).
 */
public final class VipWatch implements AutoCloseable {
    private final ManagedChannel channel;
    private final BlockingQueue<AllocationsUpdate> updates = new LinkedBlockingQueue<>();
    private volatile Status ended;

    private VipWatch(ManagedChannel channel) {
        this.channel = channel;
    }

    /** Opens the watch on 127.0.0.1:{@code port} for every zone, from revision {@code sinceRevision}. */
    public static VipWatch open(int port, long sinceRevision) {
        ManagedChannel channel = Grpc.newChannelBuilder("127.0.0.1:" + port, InsecureChannelCredentials.create()).build();
        VipWatch watch = new VipWatch(channel);
        VipServiceGrpc.newStub(channel).watchAllocations(
                WatchAllocationsRequest.newBuilder().setSinceRevision(sinceRevision).build(),
                new StreamObserver<>() {
                    @Override
                    public void onNext(AllocationsUpdate update) {
                        watch.updates.add(update);
                    }

                    @Override
                    public void onError(Throwable t) {
                        watch.ended = Status.fromThrowable(t);
                    }

                    @Override
                    public void onCompleted() {
                        watch.ended = Status.OK;
                    }
                });
        return watch;
    }

    /**
     * Takes updates until one satisfies {@code wanted} and returns it; fails when none does within
     * the deadline, naming what arrived and how the stream ended, if it did.
     */
    public AllocationsUpdate awaitUpdate(Duration deadline, Predicate<AllocationsUpdate> wanted) {
        long end = System.nanoTime() + deadline.toNanos();
        StringBuilder seen = new StringBuilder();
        try {
            while (true) {
                long left = end - System.nanoTime();
                AllocationsUpdate update = left > 0 ? updates.poll(left, TimeUnit.NANOSECONDS) : null;
                if (update == null) {
                    throw new AssertionError("no wanted VIP update within " + deadline + " (stream "
                            + (ended == null ? "open" : "ended: " + ended) + "); received:\n" + seen);
                }
                if (wanted.test(update)) {
                    return update;
                }
                seen.append(update).append('\n');
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for a VIP update", e);
        }
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
