package dev.meshdns;

import dev.meshdns.admin.AdminServer;
import dev.meshdns.admin.DebugViews;
import dev.meshdns.admin.Json;
import dev.meshdns.admin.Metrics;
import dev.meshdns.admin.Readiness;
import dev.meshdns.catalog.Catalog;
import dev.meshdns.catalog.CatalogWatcher;
import dev.meshdns.config.ServerConfig;
import dev.meshdns.config.StoreKind;
import dev.meshdns.table.LiveTable;
import dev.meshdns.table.NameTable;
import dev.meshdns.table.ServiceVips;
import dev.meshdns.sync.AllocationWatchService;
import dev.meshdns.sync.CatalogMerger;
import dev.meshdns.sync.ControlPlaneClient;
import dev.meshdns.table.ZoneSpec;
import dev.meshdns.transport.Answerer;
import dev.meshdns.transport.DnsTransport;
import dev.meshdns.transport.TcpLimits;
import dev.meshdns.vip.Cidr;
import dev.meshdns.vip.VipAllocator;
import dev.meshdns.vip.VipStore;
import dev.meshdns.vip.store.FileVipStore;
import dev.meshdns.vip.store.PostgresVipStore;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root and embedding API: wires store, allocators, catalog sources (file watcher
 * and control-plane client, merged), NameTable, transport, admin HTTP and the gRPC VipService, in
 * that one place. Every change (a catalog edit, another replica's
 * allocation, a quarantine ending, the store coming back) is applied on the single
 * {@code meshdns-vip-store} thread: VIPs made durable, table built aside, published by one
 * volatile write that the event loops read per query. Thread-safe: accessors and {@link #close}
 * from any thread.
 */
public final class MeshDnsServer implements Closeable {
    /** How often other writers' changes are read even without a notification (they can be missed). */
    static final Duration REFRESH_INTERVAL = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(MeshDnsServer.class);

    private final ServerConfig config;
    private final Clock clock = Clock.systemUTC();
    private final AtomicReference<NameTable> tables = new AtomicReference<>();
    private final AtomicReference<Readiness> readiness =
            new AtomicReference<>(Readiness.notReady("catalog not loaded yet"));
    private final AtomicReference<Catalog> pending = new AtomicReference<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ScheduledExecutorService storeExecutor = storeExecutor();
    private final Metrics metrics = Metrics.prometheus();
    private DnsTransport transport;
    private AdminServer admin;
    private VipStore store;
    private CatalogApplier applier;
    private CatalogWatcher watcher;
    private ControlPlaneClient controlPlane;
    private AllocationWatchService allocations;
    private Server grpc;
    private ScheduledFuture<?> retry;

    private MeshDnsServer(ServerConfig config) {
        this.config = config;
    }

    /**
     * Starts a server: binds UDP and TCP (zone names answer SERVFAIL until a catalog is loaded) and
     * the admin HTTP server, restores the VIP store, starts the gRPC VipService, restores the
     * control plane's last-known-good entries and starts syncing, loads the catalog file if it exists
     * and watches it; both sources are merged into one catalog. Returns once listening with the
     * first catalog applied (when either source had one).
     */
    public static MeshDnsServer start(ServerConfig config) throws IOException {
        MeshDnsServer server = new MeshDnsServer(config);
        try {
            server.startAll();
            return server;
        } catch (IOException | RuntimeException | Error e) {
            server.close();
            throw e;
        }
    }

    private void startAll() throws IOException {
        ZoneSpec spec = new ZoneSpec(config.zone(), config.ttlSeconds(), config.vipCidr(), config.vip6Cidr(),
                config.aaaaIpv4Mapped());
        tables.set(LiveTable.notReady(spec));
        transport = DnsTransport.bind(config.dnsListen(), new TcpLimits(config.tcpIdleTimeout(),
                config.maxTcpConnections(), config.maxTcpConnectionsPerSource()),
                Answerer.resolving(tables::get), metrics);
        log.info("dns transport {}: udp {}, tcp {}", transport.kindName(), transport.udpAddress(),
                transport.tcpAddress());
        admin = AdminServer.start(config.adminListen(), metrics, readiness::get,
                DebugViews.of(this::namesJson, this::vipsJson));
        store = onStoreThread(this::openStore);
        VipSource v4 = onStoreThread(() -> allocator(config.vipCidr()));
        VipSource v6 = config.vip6Cidr() == null ? VipSource.NONE : onStoreThread(() -> allocator(config.vip6Cidr()));
        applier = new CatalogApplier(spec, v4, v6, tables, readiness, metrics, clock);
        allocations = new AllocationWatchService(store, storeExecutor);
        grpc = NettyServerBuilder.forAddress(config.grpcListen(), InsecureServerCredentials.create())
                .addService(allocations).build().start();
        log.info("VipService (gRPC) on {}", grpc.getListenSockets());
        store.onRemoteChange(() -> storeExecutor.execute(() -> applied(applier.refresh())));
        long refreshMillis = REFRESH_INTERVAL.toMillis();
        storeExecutor.scheduleWithFixedDelay(() -> applied(applier.refresh()), refreshMillis, refreshMillis,
                TimeUnit.MILLISECONDS);
        CatalogMerger merger = new CatalogMerger(this::submit);
        if (config.controlPlane() != null) {
            // Restores the last-known-good entries (submitted before this returns), then connects.
            controlPlane = ControlPlaneClient.start(config.controlPlane(), config.dataDir(),
                    merger::controlPlaneChanged);
        }
        if (config.catalogFile() != null) {
            watcher = new CatalogWatcher(config.catalogFile(), merger::fileChanged);
            watcher.start();
        }
        onStoreThread(() -> null); // the first catalog, if any, is applied once this returns
    }

    private VipStore openStore() throws IOException {
        if (config.store() == StoreKind.POSTGRES) {
            return PostgresVipStore.open(config.postgresUrl());
        }
        return FileVipStore.open(config.dataDir());
    }

    private VipSource allocator(Cidr pool) throws IOException {
        return VipSource.of(VipAllocator.open(store, pool, config.zone(), config.vipQuarantine(), clock));
    }

    /** Queues a catalog; a burst of changes is coalesced into applying only the latest. */
    private void submit(Catalog catalog) {
        if (pending.getAndSet(catalog) == null) {
            storeExecutor.execute(() -> applied(applier.apply(pending.getAndSet(null))));
        }
    }

    /** After an apply or refresh: tells the allocation watches, then plans the retry. Store thread. */
    private void applied(Optional<Instant> retryAt) {
        allocations.changed();
        retryAt(retryAt);
    }

    /** Schedules the next re-apply (one at a time; a new apply replaces an older plan). Store thread. */
    private void retryAt(Optional<Instant> at) {
        if (at.isEmpty() || closed.get()) {
            return;
        }
        if (retry != null) {
            retry.cancel(false);
        }
        long delayMillis = Math.max(100, Duration.between(clock.instant(), at.get()).toMillis());
        retry = storeExecutor.schedule(() -> applied(applier.reapply()), delayMillis, TimeUnit.MILLISECONDS);
    }

    /** Where UDP listens (the real port when port 0 was configured). */
    public InetSocketAddress udpAddress() {
        return transport.udpAddress();
    }

    /** Where TCP listens; the same port as UDP. */
    public InetSocketAddress tcpAddress() {
        return transport.tcpAddress();
    }

    /** Where the admin HTTP server listens. */
    public InetSocketAddress adminAddress() {
        return admin.address();
    }

    /** Where the gRPC VipService listens (the real port when port 0 was configured). */
    public InetSocketAddress grpcAddress() {
        return (InetSocketAddress) grpc.getListenSockets().get(0);
    }

    /** The configuration the server runs with. */
    public ServerConfig config() {
        return config;
    }

    /**
     * Stops watching, closes the sockets, event loops and admin server, lets a change in progress
     * finish (its VIPs stay durable) and closes the store. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (controlPlane != null) {
            controlPlane.close();
        }
        if (watcher != null) {
            watcher.close();
        }
        if (grpc != null) {
            grpc.shutdownNow();
        }
        if (transport != null) {
            transport.close();
        }
        if (admin != null) {
            admin.close();
        }
        storeExecutor.shutdown();
        try {
            if (!storeExecutor.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("a VIP store operation did not finish within 30 s of shutdown");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeStore();
    }

    private void closeStore() {
        if (store == null) {
            return;
        }
        try {
            store.close();
        } catch (IOException e) {
            log.warn("closing the VIP store failed", e);
        }
    }

    private String namesJson() {
        StringBuilder json = new StringBuilder("{\"names\":[");
        String separator = "";
        for (String name : tables.get().names()) {
            json.append(separator);
            Json.appendString(json, name);
            separator = ",";
        }
        return json.append("]}").toString();
    }

    private String vipsJson() {
        Map<String, ServiceVips> vips = applier == null ? Map.of() : new TreeMap<>(applier.published());
        StringBuilder json = new StringBuilder("{");
        String separator = "";
        for (Map.Entry<String, ServiceVips> entry : vips.entrySet()) {
            ServiceVips v = entry.getValue();
            json.append(separator);
            Json.appendString(json, entry.getKey()).append(":{\"ipv4\":")
                    .append(v.v4() == null ? "null" : Json.quote(v.v4().getHostAddress())).append(",\"ipv6\":")
                    .append(v.v6() == null ? "null" : Json.quote(v.v6().getHostAddress())).append('}');
            separator = ",";
        }
        return json.append('}').toString();
    }

    private <T> T onStoreThread(Callable<T> task) throws IOException {
        try {
            return storeExecutor.submit(task).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the VIP store", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IOException(cause);
        }
    }

    private static ScheduledExecutorService storeExecutor() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "meshdns-vip-store");
            thread.setDaemon(true);
            return thread;
        });
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }
}
