package dev.meshdns.controlplane;

import dev.meshdns.sync.v1.ServiceEntry;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Serves a set of {@code meshdns.v1.ServiceEntry} resources over Delta ADS on whatever gRPC server
 * {@link #service()} is added to: the reference control plane uses it, and so does a mesh-dns that
 * serves its entries with their VIPs to followers. Versions are content hashes, computed on the
 * caller's thread for the entries passed in only. Thread-safe: changes may come from any thread and
 * are applied in call order on one thread, which owns every stream; after {@link #close} they throw
 * IllegalStateException.
 */
public final class ServiceEntryPublisher implements AutoCloseable {
    private final ExecutorService serial;
    private final EntryDistributor distributor;
    private final ServerServiceDefinition service;

    private ServiceEntryPublisher(String threadName, boolean loaded) {
        this.serial = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, threadName);
            thread.setDaemon(true);
            return thread;
        });
        this.distributor = new EntryDistributor(loaded);
        this.service = ServerInterceptors.intercept(new DeltaAdsService(distributor, serial), new ResponseHeadersAtOnce());
    }

    /** A publisher whose streams are served at once (an empty set until entries are given). */
    public static ServiceEntryPublisher serving(String threadName) {
        return new ServiceEntryPublisher(threadName, true);
    }

    /**
     * A publisher whose streams get no response until the first {@link #update} or {@link #replaceAll}:
     * a client resuming before then would otherwise be told to remove everything it holds.
     */
    public static ServiceEntryPublisher awaitingFirstUpdate(String threadName) {
        return new ServiceEntryPublisher(threadName, false);
    }

    /** The {@code AggregatedDiscoveryService} to add to a gRPC server (response headers sent at once). */
    public ServerServiceDefinition service() {
        return service;
    }

    /** Adds or replaces the entry named by its service; streams get it unless they hold this version. */
    public void put(ServiceEntry entry) {
        VersionedEntry versioned = VersionedEntry.of(Objects.requireNonNull(entry, "entry"));
        apply(() -> distributor.put(versioned));
    }

    /** Removes the service's entry, if any; streams holding it get it in {@code removed_resources}. */
    public void remove(String service) {
        Objects.requireNonNull(service, "service");
        apply(() -> distributor.remove(service));
    }

    /**
     * Adds or replaces {@code entries} and removes {@code removed}, sent to each stream as one delta
     * (split only past the response size limit). Only these entries are hashed.
     */
    public void update(Collection<ServiceEntry> entries, Collection<String> removed) {
        List<VersionedEntry> versioned = new ArrayList<>(entries.size());
        entries.forEach(entry -> versioned.add(VersionedEntry.of(Objects.requireNonNull(entry, "entry"))));
        List<String> gone = List.copyOf(removed);
        apply(() -> distributor.update(versioned, gone));
    }

    /**
     * Makes these the served entries: each stream gets what changed and the removals, nothing for
     * an unchanged entry. Throws IllegalArgumentException for an entry without a service name or
     * two entries with the same one (nothing is applied then).
     */
    public void replaceAll(Collection<ServiceEntry> entries) {
        Map<String, VersionedEntry> replacement = byName(entries);
        apply(() -> distributor.replaceAll(replacement));
    }

    static Map<String, VersionedEntry> byName(Collection<ServiceEntry> entries) {
        Map<String, VersionedEntry> byName = new LinkedHashMap<>();
        for (ServiceEntry entry : entries) {
            VersionedEntry versioned = VersionedEntry.of(Objects.requireNonNull(entry, "entry"));
            if (byName.put(versioned.name(), versioned) != null) {
                throw new IllegalArgumentException("two entries for service \"" + versioned.name() + "\"");
            }
        }
        return byName;
    }

    /** Serves these entries from the first stream on; for a caller that has them before any stream. */
    void initial(Map<String, VersionedEntry> entries) {
        if (!entries.isEmpty()) {
            apply(() -> distributor.replaceAll(entries));
        }
    }

    private void apply(Runnable change) {
        try {
            serial.execute(change);
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("the entry publisher is closed", e);
        }
    }

    /** Ends every stream (call it after the server stopped taking new ones) and stops the thread. Idempotent. */
    @Override
    public void close() {
        if (serial.isShutdown()) {
            return;
        }
        serial.execute(distributor::closeAll);
        serial.shutdown();
        try {
            if (!serial.awaitTermination(5, TimeUnit.SECONDS)) {
                serial.shutdownNow();
            }
        } catch (InterruptedException e) {
            serial.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
