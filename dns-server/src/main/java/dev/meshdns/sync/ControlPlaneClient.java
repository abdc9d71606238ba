package dev.meshdns.sync;

import dev.meshdns.catalog.EntrySetDigest;
import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.config.ControlPlaneConfig;
import dev.meshdns.controlplane.Backoff;
import dev.meshdns.threads.NamedThreadFactory;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The xDS client: a Delta ADS stream ({@code DeltaAggregatedResources}) subscribed to every
 * {@code meshdns.v1.ServiceEntry}, ACKing or NACKing each response, handing the held entries to a
 * {@link Listener} and keeping them in the last-known-good file, which {@link #start} restores first.
 * As in grpc-java's xDS client, one serial executor ({@code meshdns-sync}) owns all state and each
 * stream attempt is its own object, so callbacks of a dead stream are ignored. Thread-safe: {@link
 * #close} from any thread.
 */
// One class past 300 lines on purpose: the fields are the one state machine the sync thread owns
// (stream attempt, reconnect timer, pending save), and each method is a transition of it. The file
// is a cache: a crash may lose the last second of changes, and the control plane then resends what
// changed since the versions the file holds. Reconnects follow gRPC's Backoff, reset once a stream
// is established: its response headers or a response arrived (a resumed stream whose versions all
// match gets no response, so the reference control plane sends headers as soon as it accepts a
// stream), or, for control planes that send headers only with their first response, once it lived
// HEALTHY_STREAM.
public final class ControlPlaneClient implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(ControlPlaneClient.class);
    /** The ADS method, its responses read by {@link ParsedResponse#MARSHALLER} (checked entries, no protobuf tree). */
    private static final MethodDescriptor<DeltaDiscoveryRequest, ParsedResponse> DELTA_ADS =
            AggregatedDiscoveryServiceGrpc.getDeltaAggregatedResourcesMethod()
                    .toBuilder(ProtoUtils.marshaller(DeltaDiscoveryRequest.getDefaultInstance()), ParsedResponse.MARSHALLER)
                    .build();

    /** A stream open this long counts as healthy even without response headers or a response. */
    static final Duration HEALTHY_STREAM = Duration.ofSeconds(5);

    /**
     * How long after an applied response the entries are saved. The file is rewritten whole (about
     * 20 MB at 100,000 entries, a tenth of a second or more) and fsynced on the sync thread, which
     * would delay the ACK of every response of a burst; this way a burst costs one write. During the
     * first sync the hand-on of its entries schedules the save instead: saving every second while a
     * million entries arrive wrote the file ten times over (1.8 s on the sync thread).
     */
    static final Duration SAVE_DELAY = Duration.ofSeconds(1);

    /**
     * How long the first stream must stay quiet after a response before its initial burst counts as
     * handled ({@link #firstSync}): Delta xDS has no end-of-sync marker, and the reference control
     * plane sends its 1 MiB responses back to back. Longer than a full GC pause of a sender busy with
     * a million entries (2-3 s measured: a follower whose replica paused 2 s in its sync counted 26
     * of 102 responses as its first sync with 2 s here).
     */
    static final Duration SETTLE_QUIET = Duration.ofSeconds(5);

    /**
     * How long an established first stream may send nothing before the first sync counts as over (a
     * resumed client already up to date gets no response; a control plane may take seconds to
     * compute the first response of a million entries).
     */
    static final Duration SETTLE_SILENT = Duration.ofSeconds(30);

    /**
     * The longest the first sync lasts from its first response: a control plane that sends a change
     * more often than {@link #SETTLE_QUIET} (a large, busy mesh) would otherwise keep it open for
     * good, and with it the start's raised heap ratios and its heap never given back.
     */
    static final Duration FIRST_SYNC_LONGEST = Duration.ofMinutes(2);

    /**
     * How long the first sync's responses must pause before the entries they brought are handed on
     * (at most {@link #SETTLE_SILENT} after the first of them). A replica receiving a million entries
     * in 87 responses otherwise applied whatever had come when the store thread was free: an apply of
     * 100,000-600,000 entries (7-21 s) that every later one had to wait for, and that made it ready
     * with part of the mesh. Once the first sync is over, each burst is handed on at once.
     */
    static final Duration FIRST_SYNC_QUIET = Duration.ofMillis(250);

    /**
     * Once the first sync holds this many entries, its responses must pause
     * {@link #LARGE_FIRST_SYNC_PAUSES} times {@link #FIRST_SYNC_QUIET} before they are handed on. A
     * sender busy with a large mesh pauses mid-burst: a million entries from the reference control
     * plane came with pauses of 0.3-1.5 s (the replica's own GC took no part in the one measured).
     * With 250 ms alone, 8 of 22 measured syncs handed on the 11,517-103,647 entries that had come,
     * each a run with a profiler attached, other heap flags or one log line more per response (none
     * of the 10 plain runs): the timing is that fragile. That apply (2.3-11.5 s) then held up the apply
     * of the whole mesh, ready 5-10 s later. From some 20,000 entries on the longer wait costs less.
     */
    static final int LARGE_FIRST_SYNC = 20_000;
    static final int LARGE_FIRST_SYNC_PAUSES = 8;

    /**
     * When the client saves and hands on: {@link #SAVE_DELAY}, {@link #FIRST_SYNC_QUIET} and
     * {@link #FIRST_SYNC_LONGEST} in a server ({@link #STANDARD}), others in tests.
     */
    record Pacing(Duration saveDelay, Duration firstSyncQuiet, Duration firstSyncLongest) {
        static final Pacing STANDARD = new Pacing(SAVE_DELAY, FIRST_SYNC_QUIET, FIRST_SYNC_LONGEST);
    }

    /**
     * Receives the full current entry list after applied responses, on {@code meshdns-sync}:
     * immutable, each service named once (a resource's name must be its service).
     */
    @FunctionalInterface
    public interface Listener {
        void entriesChanged(List<ServiceEntry> entries);
    }

    private final ManagedChannel channel;
    private final String nodeId;
    private final LastKnownGood lastKnownGood;
    private final Listener listener;
    private final Backoff backoff;
    private final LongSupplier nanoTime;
    private final Pacing pacing;
    private final SyncMetrics metrics;
    private final ScheduledExecutorService executor = executor();
    // Everything below is confined to the executor.
    private final HeldResources resources = new HeldResources();
    private AdsStream stream;
    private ScheduledFuture<?> reconnect;
    private ScheduledFuture<?> pendingSave;
    private ScheduledFuture<?> settleTimer;
    private ScheduledFuture<?> settleCap;
    private ScheduledFuture<?> firstSyncHandOn;
    private long firstSyncHeldSince;
    private final CompletableFuture<Void> firstSync = new CompletableFuture<>();
    private final long startNanos;
    private int firstSyncResponses;
    private boolean unsaved; // entries applied since the last save
    private boolean notifyQueued;
    private boolean closed;

    ControlPlaneClient(ManagedChannel channel, String nodeId, LastKnownGood lastKnownGood, Listener listener,
                       Backoff backoff, LongSupplier nanoTime, Pacing pacing, SyncMetrics metrics) {
        this.channel = channel;
        this.nodeId = nodeId;
        this.lastKnownGood = lastKnownGood;
        this.listener = listener;
        this.backoff = backoff;
        this.nanoTime = nanoTime;
        this.pacing = pacing;
        this.metrics = metrics;
        this.startNanos = nanoTime.getAsLong();
    }

    /**
     * Restores the last-known-good entries (the listener gets them before this returns, when there
     * are any) and starts connecting to the control plane in the background.
     */
    public static ControlPlaneClient start(ControlPlaneConfig config, Path dataDir, Listener listener)
            throws IOException {
        return start(config, dataDir, listener, SyncMetrics.NONE);
    }

    /** As {@link #start(ControlPlaneConfig, Path, Listener)}, reporting the stream's state to {@code metrics}. */
    public static ControlPlaneClient start(ControlPlaneConfig config, Path dataDir, Listener listener,
                                           SyncMetrics metrics) throws IOException {
        ManagedChannel channel =
                Grpc.newChannelBuilder(config.target(), ControlPlaneChannel.credentials(config)).build();
        ControlPlaneClient client = new ControlPlaneClient(channel, config.nodeId(), new LastKnownGood(dataDir),
                listener, Backoff.standard(), System::nanoTime, Pacing.STANDARD, metrics);
        client.start();
        return client;
    }

    /**
     * The digest of the entries in the last-known-good file of {@code dataDir}, from its head, so a
     * restart can tell whether the saved table is theirs before reading them; empty without one.
     */
    public static Optional<EntrySetDigest> savedDigest(Path dataDir) {
        return new LastKnownGood(dataDir).digest();
    }

    void start() throws IOException {
        try {
            executor.submit(() -> {
                restore();
                connect();
            }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while restoring the last-known-good catalog", e);
        } catch (ExecutionException e) {
            throw new IOException("cannot start the control-plane client", e.getCause());
        }
    }

    /**
     * Completes (on {@code meshdns-sync}, after the listener got the entries it brought) once the
     * first sync is over: the first stream's responses stopped for {@link #SETTLE_QUIET} (or kept coming
     * for {@link #FIRST_SYNC_LONGEST}), or it was
     * established and sent nothing for {@link #SETTLE_SILENT},
     * or the control plane could not be reached while restored entries are held. With nothing held,
     * an unreachable control plane leaves it pending: the first catalog is still to come. Completes on
     * {@link #close} too. The server keeps the heap growing in large steps until then.
     */
    public CompletionStage<Void> firstSync() {
        return firstSync;
    }

    /**
     * The wait before reconnecting: the next backoff, reset first when the stream was established
     * (response headers or a response arrived) or lived at least {@link #HEALTHY_STREAM} (a resumed
     * stream whose versions all match gets no response, and its headers may come only with one, yet
     * it was healthy), less the time the stream lived (grpc-java's rule, so a stream that lived long
     * reconnects at once).
     */
    static Duration reconnectDelay(Backoff backoff, boolean established, Duration streamAge) {
        if (established || streamAge.compareTo(HEALTHY_STREAM) >= 0) {
            backoff.reset();
        }
        Duration delay = backoff.next().minus(streamAge);
        return delay.isNegative() ? Duration.ZERO : delay;
    }

    private void restore() {
        List<SyncedEntry> saved = lastKnownGood.load();
        resources.restore(saved);
        metrics.resources(resources.size());
        if (!saved.isEmpty()) {
            log.info("restored {} control-plane entries from {}", saved.size(), lastKnownGood.file());
            listener.entriesChanged(resources.entries());
        }
    }

    private void connect() {
        reconnect = null;
        if (closed) {
            return;
        }
        stream = new AdsStream();
        stream.start();
    }

    /** The control plane accepted the stream (headers) or answered on it: the backoff starts over. */
    private void established(AdsStream from) {
        if (!from.established) {
            from.established = true;
            backoff.reset();
            metrics.connected(true);
            log.debug("control-plane stream established");
            if (!firstSync.isDone() && settleTimer == null) {
                settleTimer = executor.schedule(this::settled, SETTLE_SILENT.toNanos(), TimeUnit.NANOSECONDS);
            }
        }
    }

    /**
     * A response of the first sync was handled: it is over once the stream stays quiet, or
     * {@link #FIRST_SYNC_LONGEST} after its first response.
     */
    private void firstSyncResponse() {
        if (firstSync.isDone()) {
            return;
        }
        firstSyncResponses++;
        if (settleCap == null) {
            settleCap = executor.schedule(this::settled, pacing.firstSyncLongest().toNanos(), TimeUnit.NANOSECONDS);
        }
        if (settleTimer != null) {
            settleTimer.cancel(false);
        }
        settleTimer = executor.schedule(this::settled, SETTLE_QUIET.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void settled() {
        if (settleTimer != null) {
            settleTimer.cancel(false);
            settleTimer = null;
        }
        if (settleCap != null) {
            settleCap.cancel(false);
        }
        handOnFirstSync(); // before the first sync counts as done: it completes behind what it brought
        if (!firstSync.isDone()) {
            log.info("first control-plane sync done: {} responses, {} entries held, {} ms after the start",
                    firstSyncResponses, resources.size(), (nanoTime.getAsLong() - startNanos) / 1_000_000);
            firstSync.complete(null);
        }
    }

    private void handle(AdsStream from, ParsedResponse response) {
        established(from);
        if (!ServiceEntryResource.TYPE_URL.equals(response.typeUrl())) {
            from.send(Acks.reply(response, List.of("unexpected type " + response.typeUrl() + ", subscribed to "
                    + ServiceEntryResource.TYPE_URL + " only")));
            metrics.nacked();
            return;
        }
        HeldResources.Applied outcome = resources.apply(response);
        int applied = outcome.count();
        List<String> problems = outcome.problems();
        if (applied > 0) {
            notifySoon();
        }
        if (!problems.isEmpty()) {
            log.error("control plane sent {} invalid entries, keeping their last good state: {}", problems.size(),
                    String.join(", ", problems.subList(0, Math.min(problems.size(), Acks.MAX_NAMED_PROBLEMS))));
        }
        from.send(Acks.reply(response, problems));
        metrics.resources(resources.size());
        if (problems.isEmpty()) {
            metrics.acked();
        } else {
            metrics.nacked();
        }
        if (applied > 0) {
            unsaved = true;
            if (firstSync.isDone()) {
                saveSoon(); // during the first sync its hand-on saves (SAVE_DELAY)
            }
        }
        firstSyncResponse();
    }


    /**
     * Hands the entries on once the responses already queued behind this one are handled too, so
     * a burst is applied once, not once per response; during the first sync, once its responses
     * paused for {@link #FIRST_SYNC_QUIET} ({@value #LARGE_FIRST_SYNC_PAUSES} times that from
     * {@value #LARGE_FIRST_SYNC} entries held on).
     */
    private void notifySoon() {
        if (!firstSync.isDone()) {
            long now = nanoTime.getAsLong();
            if (firstSyncHandOn == null) {
                firstSyncHeldSince = now;
            } else {
                firstSyncHandOn.cancel(false);
            }
            long heldLeft = SETTLE_SILENT.toNanos() - (now - firstSyncHeldSince);
            long quiet = pacing.firstSyncQuiet().toNanos()
                    * (resources.size() >= LARGE_FIRST_SYNC ? LARGE_FIRST_SYNC_PAUSES : 1);
            firstSyncHandOn = executor.schedule(this::handOnFirstSync,
                    Math.max(0, Math.min(quiet, heldLeft)), TimeUnit.NANOSECONDS);
            return;
        }
        if (!notifyQueued) {
            notifyQueued = true;
            executor.execute(() -> {
                notifyQueued = false;
                if (!closed) {
                    listener.entriesChanged(resources.entries());
                }
            });
        }
    }

    private void handOnFirstSync() {
        if (firstSyncHandOn != null) {
            firstSyncHandOn.cancel(false);
            firstSyncHandOn = null;
            if (!closed) {
                listener.entriesChanged(resources.entries());
                saveSoon();
            }
        }
    }

    /** Schedules a save of the entries as they will be then, unless one is scheduled already. */
    private void saveSoon() {
        if (pendingSave == null) {
            pendingSave = executor.schedule(this::save, pacing.saveDelay().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void save() {
        pendingSave = null;
        unsaved = false;
        try {
            lastKnownGood.save(resources.all());
        } catch (IOException e) {
            log.error("cannot save the last-known-good catalog {}: {}", lastKnownGood.file(), e.toString());
        }
    }

    private void ended(AdsStream from, Status status) {
        stream = null;
        if (from.established) {
            metrics.connected(false);
        }
        if (closed) {
            return;
        }
        if (!firstSync.isDone() && (from.established || resources.size() > 0)) {
            settled(); // what a broken first stream brought, or what was restored, is the first catalog
        }
        Duration delay = reconnectDelay(backoff, from.established,
                Duration.ofNanos(nanoTime.getAsLong() - from.startNanos));
        if (from.established) {
            log.info("control-plane stream ended ({}), reconnecting in {} ms", ControlPlaneChannel.describe(status),
                    delay.toMillis());
        } else {
            log.warn("control plane unavailable ({}), serving {} known entries, retrying in {} ms",
                    ControlPlaneChannel.describe(status), resources.size(), delay.toMillis());
        }
        reconnect = executor.schedule(this::connect, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Ends the stream and the channel and saves the entries if any were applied since the last
     * save; no listener call follows once this returns. Idempotent.
     */
    @Override
    public void close() {
        try {
            executor.submit(() -> {
                closed = true;
                if (reconnect != null) {
                    reconnect.cancel(false);
                }
                if (stream != null) {
                    if (stream.established) {
                        metrics.connected(false);
                    }
                    stream.cancel();
                    stream = null;
                }
                if (pendingSave != null) {
                    pendingSave.cancel(false);
                }
                if (unsaved) {
                    save();
                }
                settled();
            }).get(10, TimeUnit.SECONDS);
        } catch (RejectedExecutionException | ExecutionException | java.util.concurrent.TimeoutException e) {
            log.debug("closing the control-plane client: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor.shutdown();
        channel.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs on the sync thread unless the client is closing (then the callback is dropped). */
    private void onSyncThread(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            log.debug("control-plane client closed, callback dropped");
        }
    }

    /** One stream attempt; its callbacks act only while it is the current stream. */
    private final class AdsStream implements ClientResponseObserver<DeltaDiscoveryRequest, ParsedResponse> {
        private final long startNanos = nanoTime.getAsLong();
        private ClientCallStreamObserver<DeltaDiscoveryRequest> requests;
        private boolean established;

        void start() {
            ClientCalls.asyncBidiStreamingCall(ClientInterceptors.intercept(channel,
                    new ResponseHeadersInterceptor(this::onHeaders)).newCall(DELTA_ADS, CallOptions.DEFAULT), this);
            DeltaDiscoveryRequest.Builder first = DeltaDiscoveryRequest.newBuilder()
                    .setNode(Node.newBuilder().setId(nodeId))
                    .setTypeUrl(ServiceEntryResource.TYPE_URL)
                    .addResourceNamesSubscribe("*");
            resources.all().forEach(held -> first.putInitialResourceVersions(held.name(), held.version()));
            send(first.build());
        }

        void send(DeltaDiscoveryRequest request) {
            requests.onNext(request);
        }

        void cancel() {
            requests.cancel("mesh-dns is stopping", null);
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<DeltaDiscoveryRequest> requestStream) {
            requests = requestStream;
            // Two responses at a time, one handled and one read ahead (ParsedResponse: already checked,
            // no protobuf objects): the next is asked for once one is handled. gRPC otherwise reads
            // whatever arrives while the sync thread is busy. What is not asked for waits as bytes,
            // at most a flow-control window of them; the control plane waits too.
            requestStream.disableAutoRequestWithInitial(2);
        }

        void onHeaders() {
            onSyncThread(() -> {
                if (stream == this) {
                    established(this);
                }
            });
        }

        @Override
        public void onNext(ParsedResponse response) {
            onSyncThread(() -> {
                if (stream == this) {
                    try {
                        handle(this, response);
                    } finally {
                        requests.request(1);
                    }
                }
            });
        }

        @Override
        public void onError(Throwable error) {
            onSyncThread(() -> {
                if (stream == this) {
                    ended(this, Status.fromThrowable(error));
                }
            });
        }

        @Override
        public void onCompleted() {
            onSyncThread(() -> {
                if (stream == this) {
                    ended(this, Status.UNAVAILABLE.withDescription("stream closed by the control plane"));
                }
            });
        }
    }

    private static ScheduledExecutorService executor() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, NamedThreadFactory.single("meshdns-sync"));
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return executor;
    }
}
