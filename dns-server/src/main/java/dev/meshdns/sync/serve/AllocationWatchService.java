package dev.meshdns.sync.serve;

import dev.meshdns.sync.v1.AllocationsUpdate;
import dev.meshdns.sync.v1.VipAllocation;
import dev.meshdns.sync.v1.VipServiceGrpc;
import dev.meshdns.sync.v1.WatchAllocationsRequest;
import dev.meshdns.vip.VipStore;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code meshdns.v1.VipService/WatchAllocations}: the VIPs handed back to the control plane. The
 * source of truth is the {@link VipStore} itself: its rows (held and released) and its revision,
 * which only grows, so a watch is resumed with {@code changesSince(revision)} and needs no history
 * of its own; when the store cannot resume from the client's revision (it is ahead of the store),
 * the full state is sent. The server calls {@link #changed()} after each apply, and every watch
 * gets the rows changed since (a row may come twice; each message carries its current state).
 * Everything runs on the store's executor, the only thread that touches the store: gRPC callbacks
 * hop onto it. Thread-safe in that sense.
 */
public final class AllocationWatchService extends VipServiceGrpc.VipServiceImplBase {
    private static final Logger log = LoggerFactory.getLogger(AllocationWatchService.class);

    private final VipStore store;
    private final Executor storeExecutor;
    // Confined to the store executor.
    private final List<Watch> watches = new ArrayList<>();
    private long revision;

    private record Watch(String zone, ServerCallStreamObserver<AllocationsUpdate> out) {
    }

    public AllocationWatchService(VipStore store, Executor storeExecutor) {
        this.store = store;
        this.storeExecutor = storeExecutor;
    }

    @Override
    public void watchAllocations(WatchAllocationsRequest request, StreamObserver<AllocationsUpdate> responses) {
        ServerCallStreamObserver<AllocationsUpdate> out = (ServerCallStreamObserver<AllocationsUpdate>) responses;
        Watch watch = new Watch(request.getZone(), out);
        out.setOnCancelHandler(() -> onStoreThread(() -> watches.remove(watch)));
        if (!onStoreThread(() -> subscribe(watch, request.getSinceRevision()))) {
            out.onError(Status.UNAVAILABLE.withDescription("mesh-dns is stopping").asRuntimeException());
        }
    }

    /** Sends every watch what changed in the store since the last call. Store thread. */
    public void changed() {
        if (watches.isEmpty()) {
            return;
        }
        try {
            VipStore.View changes = store.changesSince(revision);
            revision = Math.max(revision, changes.revision());
            if (!changes.rows().isEmpty()) {
                for (Watch watch : List.copyOf(watches)) {
                    send(watch, false, changes);
                }
            }
        } catch (IOException | RuntimeException e) {
            log.warn("reading VIP changes for the allocation watches failed, next change retries: {}", e.toString());
        }
    }

    private void subscribe(Watch watch, long since) {
        if (watch.out().isCancelled()) {
            return;
        }
        changed(); // existing watches are now at `revision`
        try {
            VipStore.View view = since > 0 ? store.changesSince(since) : null;
            boolean full = view == null || since > view.revision();
            if (full) {
                view = store.load();
            }
            if (watches.isEmpty()) {
                revision = view.revision();
            }
            watches.add(watch);
            send(watch, full, view);
        } catch (IOException | RuntimeException e) {
            watch.out().onError(Status.UNAVAILABLE.withDescription("VIP store unavailable: " + e.getMessage())
                    .asRuntimeException());
        }
    }

    private void send(Watch watch, boolean full, VipStore.View view) {
        AllocationsUpdate.Builder update = AllocationsUpdate.newBuilder().setFullState(full)
                .setRevision(view.revision());
        for (VipStore.Allocation row : view.rows()) {
            if (watch.zone().isEmpty() || watch.zone().equals(row.zone())) {
                update.addAllocations(VipAllocation.newBuilder().setZone(row.zone()).setService(row.service())
                        .setAddress(row.address().getHostAddress()).setReleased(!row.isHeld()));
            }
        }
        try {
            watch.out().onNext(update.build());
        } catch (RuntimeException e) {
            watches.remove(watch); // cancelled meanwhile
        }
    }

    private boolean onStoreThread(Runnable task) {
        try {
            storeExecutor.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }
}
