package dev.meshdns.controlplane;

import dev.meshdns.sync.v1.AllocationsUpdate;
import dev.meshdns.sync.v1.VipServiceGrpc;
import dev.meshdns.sync.v1.WatchAllocationsRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a mesh-dns {@code meshdns.v1.VipService}: logs every allocations update (one INFO line:
 * full or incremental, count, revision), hands it to an optional listener, and reconnects with
 * backoff (1 s x1.6, 20% jitter, cap 120 s, reset after an update), resuming from the last
 * revision. Thread-safety: {@link #start} and {@link #close} from any thread; one thread
 * ({@code meshdns-vip-watch}) owns the watch and runs the listener. Each call attempt is its own
 * object, so callbacks of a dead attempt are ignored.
 */
public final class VipWatchConsumer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(VipWatchConsumer.class);

    private final ManagedChannel channel;
    private final String target;
    private final String zone;
    private final Consumer<AllocationsUpdate> listener;
    private final Backoff backoff;
    private final ScheduledThreadPoolExecutor serial;
    private final Executor callbacks;
    // Owned by the serial thread; revision is volatile for revision().
    private Attempt current;
    private volatile long revision;
    private boolean closed;

    VipWatchConsumer(ManagedChannel channel, String target, String zone, Consumer<AllocationsUpdate> listener,
                     Backoff backoff) {
        this.channel = channel;
        this.target = target;
        this.zone = Objects.requireNonNull(zone, "zone");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.backoff = backoff;
        this.serial = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "meshdns-vip-watch");
            thread.setDaemon(true);
            return thread;
        });
        // A pending reconnect must not hold close() up, and callbacks after close have nothing to do.
        serial.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.callbacks = task -> {
            try {
                serial.execute(task);
            } catch (RejectedExecutionException e) {
                // closed
            }
        };
    }

    /** Watches every zone of the mesh-dns at {@code host:port} (plaintext) and only logs. */
    public static VipWatchConsumer start(String hostPort) {
        return start(hostPort, "", update -> { });
    }

    /** Watches {@code zone} (empty: all) at {@code host:port} (plaintext); the listener runs on the watch thread. */
    public static VipWatchConsumer start(String hostPort, String zone, Consumer<AllocationsUpdate> listener) {
        ManagedChannel channel = Grpc.newChannelBuilder(hostPort, InsecureChannelCredentials.create()).build();
        VipWatchConsumer consumer = new VipWatchConsumer(channel, hostPort, zone, listener, Backoff.standard());
        consumer.begin();
        return consumer;
    }

    /** Starts the first attempt; package-private for tests that build their own channel. */
    void begin() {
        serial.execute(this::connect);
    }

    /** The revision of the last update received; 0 before the first. */
    public long revision() {
        return revision;
    }

    /** Cancels the watch and closes the channel. Idempotent. */
    @Override
    public void close() {
        if (serial.isShutdown()) {
            return;
        }
        serial.execute(() -> {
            closed = true;
            if (current != null) {
                current.cancel();
                current = null;
            }
        });
        serial.shutdown();
        try {
            serial.awaitTermination(5, TimeUnit.SECONDS);
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void connect() {
        if (closed) {
            return;
        }
        WatchAllocationsRequest request = WatchAllocationsRequest.newBuilder()
                .setZone(zone)
                .setSinceRevision(revision)
                .build();
        current = new Attempt();
        VipServiceGrpc.newStub(channel).withExecutor(callbacks).watchAllocations(request, current);
        log.debug("watching VIP allocations at {} since revision {}", target, revision);
    }

    private void received(AllocationsUpdate update) {
        backoff.reset();
        revision = update.getRevision();
        log.info("VIP allocations from {}: {}, {} allocations, revision {}", target,
                update.getFullState() ? "full state" : "incremental", update.getAllocationsCount(),
                update.getRevision());
        try {
            listener.accept(update);
        } catch (RuntimeException e) {
            log.error("VIP allocations listener failed", e);
        }
    }

    private void ended(Status status) {
        current = null;
        if (closed) {
            return;
        }
        Duration delay = backoff.next();
        log.warn("VIP watch at {} ended ({}{}); reconnecting in {} ms from revision {}", target,
                status.getCode(), status.getDescription() == null ? "" : ": " + status.getDescription(),
                delay.toMillis(), revision);
        serial.schedule(this::connect, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** One WatchAllocations call; its callbacks run on the serial thread and count only while current. */
    private final class Attempt implements ClientResponseObserver<WatchAllocationsRequest, AllocationsUpdate> {
        private ClientCallStreamObserver<WatchAllocationsRequest> call;

        @Override
        public void beforeStart(ClientCallStreamObserver<WatchAllocationsRequest> requestStream) {
            call = requestStream;
        }

        @Override
        public void onNext(AllocationsUpdate update) {
            if (current == this) {
                received(update);
            }
        }

        @Override
        public void onError(Throwable t) {
            if (current == this) {
                ended(Status.fromThrowable(t));
            }
        }

        @Override
        public void onCompleted() {
            if (current == this) {
                ended(Status.UNAVAILABLE.withDescription("server ended the watch"));
            }
        }

        void cancel() {
            if (call != null) {
                call.cancel("VIP watch closed", null);
            }
        }
    }
}
