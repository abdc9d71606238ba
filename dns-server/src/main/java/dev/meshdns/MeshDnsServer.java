package dev.meshdns;

import dev.meshdns.admin.AdminServer;
import dev.meshdns.admin.DebugViews;
import dev.meshdns.admin.Metrics;
import dev.meshdns.admin.Readiness;
import dev.meshdns.apply.CatalogApplier;
import dev.meshdns.apply.SavedTable;
import dev.meshdns.apply.StoreThread;
import dev.meshdns.apply.VipSource;
import dev.meshdns.catalog.Catalog;
import dev.meshdns.catalog.CatalogMerger;
import dev.meshdns.catalog.CatalogWatcher;
import dev.meshdns.catalog.EntrySetDigest;
import dev.meshdns.config.ForwardConfig;
import dev.meshdns.config.HostPort;
import dev.meshdns.config.RateLimitConfig;
import dev.meshdns.config.ServerConfig;
import dev.meshdns.config.StoreKind;
import dev.meshdns.controlplane.MeshDnsControlPlane;
import dev.meshdns.controlplane.ServiceEntryPublisher;
import dev.meshdns.core.Cookies;
import dev.meshdns.forward.RecursionAllow;
import dev.meshdns.forward.ResolvConf;
import dev.meshdns.forward.ResolvConfWatcher;
import dev.meshdns.forward.UpstreamForwarder;
import dev.meshdns.sync.ControlPlaneClient;
import dev.meshdns.sync.serve.AllocationWatchService;
import dev.meshdns.sync.serve.GrpcEndpoint;
import dev.meshdns.sync.serve.ServedEntries;
import dev.meshdns.table.LiveTable;
import dev.meshdns.table.NameTable;
import dev.meshdns.table.ZoneSpec;
import dev.meshdns.transport.Answerer;
import dev.meshdns.transport.DnsTransport;
import dev.meshdns.transport.ResponseRateLimiter;
import dev.meshdns.transport.TcpLimits;
import dev.meshdns.vip.Cidr;
import dev.meshdns.vip.VipAllocator;
import dev.meshdns.vip.VipStore;
import dev.meshdns.vip.store.FileVipStore;
import dev.meshdns.vip.store.StoreLossException;
import dev.meshdns.vip.store.PostgresVipStore;
import io.grpc.ServerServiceDefinition;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root and embedding API: wires the store, the apply path, the catalog sources,
 * the forwarder, the transport, admin HTTP and gRPC in that one place, and nothing else. A change travels source
 * -> {@link CatalogMerger} -> {@link StoreThread} -> {@link CatalogApplier} -> published {@link
 * NameTable}, read by the event loops per query. Thread-safe: accessors and {@link #close} from any thread.
 */
public final class MeshDnsServer implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(MeshDnsServer.class);
    private static final Readiness NOT_LOADED = Readiness.notReady("catalog not loaded yet");

    private final ServerConfig config;
    private final Clock clock = Clock.systemUTC();
    private final AtomicReference<NameTable> tables = new AtomicReference<>();
    private final AtomicReference<Readiness> readiness =
            new AtomicReference<>(NOT_LOADED);
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean shuttingDown;
    private final StoreThread storeThread = new StoreThread(clock);
    private final Metrics metrics = Metrics.prometheus();
    private DnsTransport transport;
    private AdminServer admin;
    private VipStore store;
    private CatalogApplier applier;
    private SavedTable savedTable = SavedTable.none();
    private CatalogWatcher watcher;
    private ControlPlaneClient controlPlane;
    private GrpcEndpoint grpc;
    private ServiceEntryPublisher served;
    private UpstreamForwarder forwarder;
    private ResolvConfWatcher resolvConf;
    private final CompletableFuture<Void> firstSyncApplied = new CompletableFuture<>();

    private MeshDnsServer(ServerConfig config) {
        this.config = config;
    }

    /**
     * Starts a server: binds UDP and TCP (zone names answer SERVFAIL until a catalog is loaded) and
     * the admin HTTP server; restores the VIP store; answers from the saved table when it was built
     * from the catalog about to be read, over the store as it is ({@link SavedTable}); restores the
     * control plane's last-known-good entries and starts syncing, and loads the catalog file if it
     * exists and watches it (both sources are merged into one catalog); opens the pools, starts the
     * gRPC VipService and applies the catalog. Returns once listening with the first
     * catalog applied (when either source had one).
     */
    public static MeshDnsServer start(ServerConfig config) throws IOException {
        return start(config, names -> { });
    }

    /**
     * {@link #start(ServerConfig)}, calling {@code beforeFirstAnswer} with the number of names of the
     * first table published, on the store thread right before it is, when no saved table answered
     * before it: a moment when a pause delays no answer.
     */
    public static MeshDnsServer start(ServerConfig config, IntConsumer beforeFirstAnswer) throws IOException {
        MeshDnsServer server = new MeshDnsServer(config);
        try {
            server.startAll(beforeFirstAnswer);
            return server;
        } catch (IOException | RuntimeException | Error e) {
            server.close();
            throw e;
        }
    }

    private void startAll(IntConsumer beforeFirstAnswer) throws IOException {
        ZoneSpec spec = new ZoneSpec(config.zone(), config.ttlSeconds(), config.vipCidr(), config.vip6Cidr(),
                config.aaaaIpv4Mapped(), new ZoneSpec.NameServer(config.nameServer().name(config.zone()),
                        config.nameServer().addresses(config.dnsListen())));
        tables.set(LiveTable.notReady(spec));
        ForwardConfig forward = config.forward();
        Cookies cookies = config.cookies().secrets().isEmpty() ? Cookies.random(config.cookies().required())
                : Cookies.of(config.cookies().secrets(), config.cookies().required());
        Answerer answerer = Answerer.resolving(tables::get, cookies);
        if (forward.enabled()) {
            forwarder = new UpstreamForwarder(forward.upstreams(), forward.timeout(), forward.serveStale(),
                    forward.cacheEntries(), metrics.forward());
            metrics.cacheEntries(forwarder::cachedAnswers);
            answerer = Answerer.forwarding(tables::get, forwarder, RecursionAllow.of(forward.recursionAllow()),
                    cookies);
        }
        RateLimitConfig rateLimit = config.rateLimit();
        if (rateLimit.enabled()) {
            answerer = Answerer.rateLimited(answerer, new ResponseRateLimiter(rateLimit.ratePerSecond(),
                    rateLimit.slip(), rateLimit.tableSize()), metrics);
        }
        transport = DnsTransport.bind(config.transport(), config.udpEventLoops(), config.dnsListen(),
                new TcpLimits(config.tcpIdleTimeout(), config.maxTcpConnections(), config.maxTcpConnectionsPerSource()),
                answerer, metrics);
        log.info("dns transport {} ({}): udp {} ({} {}), tcp {}", transport.kindName(), transport.kindReason(),
                HostPort.text(transport.udpAddress()), transport.udpSockets(),
                transport.udpSockets() == 1 ? "socket" : "sockets", HostPort.text(transport.tcpAddress()));
        if (forward.resolvConf() != null) {
            watchResolvConf(forward);
        }
        admin = AdminServer.start(config.adminListen(), metrics,
                () -> shuttingDown ? Readiness.notReady("shutting down") : readiness.get(),
                DebugViews.over(tables::get, () -> applier == null ? Map.of() : applier.published(),
                        () -> forwarder == null ? List.of() : forwarder.upstreamStatus()));
        boolean allocating = config.store() != StoreKind.NONE;
        if (allocating) {
            store = storeThread.call(this::openStore);
        }
        // The sources are read once the store is open (read while it opens, each of a million entries
        // took twice as long on two cores); their first catalog waits in the store thread until the
        // applier starts, and may be answered from the saved table meanwhile.
        boolean answeredEarly = false;
        if (store instanceof FileVipStore file) {
            savedTable = SavedTable.in(config.dataDir(), spec, file::revision);
            answeredEarly = answerBeforeTheSourceIsRead();
        }
        CatalogMerger merger = new CatalogMerger(storeThread::submit);
        if (config.controlPlane() != null) {
            // Restores the last-known-good entries (submitted before this returns), then connects.
            controlPlane = ControlPlaneClient.start(config.controlPlane(), config.dataDir(),
                    merger::controlPlaneChanged, metrics.sync());
        }
        if (config.catalogFile() != null) {
            watcher = new CatalogWatcher(config.catalogFile(), CatalogWatcher.Listener.of(merger::fileChanged,
                    rejected -> metrics.catalogReload(Metrics.Reload.REJECTED)));
            watcher.start();
        }
        Catalog first = storeThread.waiting();
        boolean savedAnswers = answeredEarly;
        if (answeredEarly && first == null) {
            // The source matched, then gave no catalog (damaged or rejected, logged): nothing to answer yet.
            tables.set(LiveTable.notReady(spec));
            readiness.set(NOT_LOADED);
            metrics.names(0);
            savedAnswers = false;
        } else if (!answeredEarly && first != null) {
            savedAnswers = answerFromSavedTable(table -> table.matching(first.entries()));
        }
        VipSource v4 = VipSource.UNASSIGNED; // a follower answers the VIPs it is given, or SERVFAIL
        VipSource v6 = VipSource.NONE;
        if (allocating) {
            v4 = storeThread.call(() -> allocator(config.vipCidr()));
            v6 = config.vip6Cidr() == null ? VipSource.NONE : storeThread.call(() -> allocator(config.vip6Cidr()));
        }
        // Followers are answered only once the first catalog is published, never with an empty one.
        served = ServiceEntryPublisher.awaitingFirstUpdate("meshdns-serve-entries");
        applier = new CatalogApplier(spec, v4, v6, tables, readiness, metrics, clock, new ServedEntries(served),
                savedTable);
        if (!savedAnswers) {
            applier.beforeFirstPublish(table -> beforeFirstAnswer.accept(table.entryNames()));
        }
        List<ServerServiceDefinition> services = new ArrayList<>(List.of(served.service()));
        Runnable afterApply = () -> { };
        if (allocating) {
            AllocationWatchService allocations = new AllocationWatchService(store, storeThread.executor());
            services.add(allocations.bindService());
            afterApply = allocations::changed;
        }
        grpc = GrpcEndpoint.start(config.grpcListen(), services);
        log.info("gRPC on {}: Delta ADS of the served entries (type {}){}", grpc.address(),
                MeshDnsControlPlane.TYPE_URL, allocating ? ", VipService" : "");
        storeThread.start(applier, store, afterApply);
        if (controlPlane != null) {
            // Behind the catalog the first sync submitted, on the same thread: done once it is applied.
            controlPlane.firstSync().whenComplete((done, error) -> {
                try {
                    storeThread.executor().execute(() -> firstSyncApplied.complete(null));
                } catch (RejectedExecutionException closing) {
                    firstSyncApplied.complete(null);
                }
            });
        } else {
            firstSyncApplied.complete(null);
        }
        storeThread.call(() -> null); // the first catalog, if any, is applied once this returns
    }

    /**
     * With one source, answers from the saved table when it is of that source, before the source is
     * parsed: by the digest at the head of the last-known-good file, or by the catalog file's bytes.
     */
    private boolean answerBeforeTheSourceIsRead() {
        if (config.controlPlane() != null && config.catalogFile() == null) {
            Optional<EntrySetDigest> saved = ControlPlaneClient.savedDigest(config.dataDir());
            return saved.isPresent() && answerFromSavedTable(table -> table.matching(saved::get));
        }
        if (config.catalogFile() != null && config.controlPlane() == null) {
            Optional<String> source = sourceOf(config.catalogFile());
            return source.isPresent() && answerFromSavedTable(table -> table.matchingSource(source.get()));
        }
        return false;
    }

    /**
     * Answers from the table saved by the last run, while the pools open and the first catalog is
     * applied, when {@code match} finds it is of that catalog over the store as it is now (see
     * {@link SavedTable}); returns whether it does. Never throws.
     */
    private boolean answerFromSavedTable(Function<SavedTable, Optional<NameTable>> match) {
        Optional<NameTable> saved;
        try {
            saved = storeThread.call(() -> match.apply(savedTable));
        } catch (IOException | RuntimeException e) {
            log.warn("the saved table in --data-dir {} was not read: {}", config.dataDir(), e.toString());
            return false;
        }
        saved.ifPresent(table -> {
            tables.set(table);
            metrics.names(table.size());
            readiness.set(Readiness.READY.withDetail("answering from the saved table while the catalog is applied"));
        });
        return saved.isPresent();
    }

    /** The digest of the catalog file's bytes ({@link Catalog#sourceOf}); empty when it cannot be read (the watcher says why). */
    private static Optional<String> sourceOf(Path file) {
        try {
            return Optional.of(Catalog.sourceOf(Files.readAllBytes(file)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Upstreams: the --upstream ones first, then the nameservers of the resolv.conf, as it is now and when it changes. */
    private void watchResolvConf(ForwardConfig forward) throws IOException {
        Path file = forward.resolvConf();
        List<InetSocketAddress> named;
        try {
            named = ResolvConf.read(file, transport.udpAddress());
        } catch (IOException e) {
            throw new IOException("cannot read upstream-resolv-conf " + file + ": " + e.getMessage(), e);
        }
        Consumer<List<InetSocketAddress>> use = servers -> {
            List<InetSocketAddress> all = new ArrayList<>(forward.upstreams());
            servers.stream().filter(server -> !all.contains(server)).forEach(all::add);
            forwarder.upstreams(all);
            log.info("upstreams: {}", all.stream().map(HostPort::text).toList());
        };
        if (named.isEmpty() && forward.upstreams().isEmpty()) {
            log.warn("upstream-resolv-conf {} names no usable nameserver (its own address left out): names outside"
                    + " the zone answer SERVFAIL until it does", file);
        }
        use.accept(named);
        resolvConf = new ResolvConfWatcher(file, transport.udpAddress(), named, use);
        resolvConf.start();
    }

    private VipStore openStore() throws IOException {
        if (config.store() == StoreKind.POSTGRES) {
            return PostgresVipStore.open(config.postgresUrl());
        }
        try {
            return FileVipStore.open(config.dataDir(), FileVipStore.DEFAULT_SNAPSHOT_AFTER_RECORDS,
                    config.acceptStoreLoss());
        } catch (StoreLossException e) {
            throw new StoreLossException("VIP store in --data-dir " + config.dataDir() + " has lost allocations: "
                    + e.getMessage() + "; starting would give their VIPs to other services. Restore the data dir from"
                    + " a backup, or start with --accept-store-loss to accept the loss");
        }
    }

    private VipSource allocator(Cidr pool) throws IOException {
        return VipSource.of(VipAllocator.open(store, pool, config.zone(), config.vipQuarantine(), clock));
    }

    /**
     * Completes once the control plane's first sync (its initial burst of responses) is applied, at
     * once without {@code --control-plane}; see {@link ControlPlaneClient#firstSync}. Any thread.
     */
    public CompletionStage<Void> firstSyncApplied() {
        return firstSyncApplied;
    }

    /** Names the entries own in the table now answered (none before the first catalog); any thread. */
    public int names() {
        return tables.get().entryNames();
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
        return grpc.address();
    }

    /** The configuration the server runs with. */
    public ServerConfig config() {
        return config;
    }

    /**
     * Starts the lameduck: {@code /ready} answers 503 "shutting down" from now on, while DNS, sync and
     * {@code /health} go on until {@link #close}. Idempotent.
     */
    public void shuttingDown() {
        shuttingDown = true;
    }

    /**
     * Stops syncing and watching, closes the sockets, event loops and admin server, lets a change in
     * progress finish (its VIPs stay durable) and closes the store. Idempotent.
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
            grpc.close();
        }
        if (resolvConf != null) {
            resolvConf.close();
        }
        if (forwarder != null) {
            forwarder.close(); // before the transport: queries in flight still get their SERVFAIL
        }
        if (transport != null) {
            transport.close();
        }
        if (admin != null) {
            admin.close();
        }
        storeThread.close();
        savedTable.close(); // after the store thread: its last publish may still be saved
        if (served != null) {
            served.close(); // after the store thread: its last apply may still feed it
        }
        if (store != null) {
            try {
                store.close();
            } catch (IOException e) {
                log.warn("closing the VIP store failed", e);
            }
        }
    }
}
