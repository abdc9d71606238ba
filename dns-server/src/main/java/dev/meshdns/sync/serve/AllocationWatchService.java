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
 * {@code meshdns.v1.VipService/WatchAllocations}: the VIPs handed back to the control plane, read
 * from the {@link VipStore} itself, whose revision only grows, so a watch resumes with {@code
 * changesSince(revision)} (the full state when the client is ahead of the store). After each apply
 * {@link #changed()} sends every watch the rows changed since. Everything runs on the store thread
 * (gRPC callbacks hop onto it), which makes it thread-safe.
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
