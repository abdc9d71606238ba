package dev.meshdns;

import dev.meshdns.catalog.Catalog;
import dev.meshdns.catalog.CatalogWatcher;
import dev.meshdns.config.ServerConfig;
import dev.meshdns.table.NameTable;
import dev.meshdns.table.ZoneSpec;
import dev.meshdns.transport.Answerer;
import dev.meshdns.transport.DnsTransport;
import dev.meshdns.transport.TcpLimits;
import dev.meshdns.vip.VipAllocator;
import dev.meshdns.vip.VipStore;
import dev.meshdns.vip.store.FileVipStore;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root and embedding API: wires store, allocator, catalog watcher, NameTable and
 * transport, in that one place. Flow per catalog change, on the single {@code meshdns-vip-store}
 * thread: pins reserved, VIPs allocated durably, table built aside, published by one volatile
 * write that the event loops read per query. Thread-safe: accessors and {@link #close} from any
 * thread.
 */
public final class MeshDnsServer implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(MeshDnsServer.class);

    private final ServerConfig config;
    private final AtomicReference<NameTable> tables = new AtomicReference<>();
    private final AtomicReference<Catalog> pending = new AtomicReference<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ExecutorService storeExecutor = Executors.newSingleThreadExecutor(MeshDnsServer::storeThread);
    private DnsTransport transport;
    private VipStore store;
    private CatalogWatcher watcher;

    private MeshDnsServer(ServerConfig config) {
        this.config = config;
    }

    /**
     * Starts a server: binds UDP and TCP (zone names answer SERVFAIL until a catalog is loaded),
     * restores the VIP store, loads the catalog file if it exists and applies it, then watches the
     * file. Returns once listening with the first catalog applied.
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
        ZoneSpec spec = new ZoneSpec(config.zone(), config.ttlSeconds(), config.vipCidr());
        tables.set(NameTable.notReady(spec));
        transport = DnsTransport.bind(config.dnsListen(), new TcpLimits(config.tcpIdleTimeout(),
                config.maxTcpConnections(), config.maxTcpConnectionsPerSource()), Answerer.resolving(tables::get));
        log.info("dns transport {}: udp {}, tcp {}", transport.kindName(), transport.udpAddress(),
                transport.tcpAddress());
        store = onStoreThread(() -> openFileStore(config.dataDir()));
        VipAllocator allocator = onStoreThread(() -> VipAllocator.open(store, config.vipCidr(), config.zone()));
        CatalogApplier applier = new CatalogApplier(spec, VipSource.of(allocator), tables);
        watcher = new CatalogWatcher(config.catalogFile(), catalog -> submit(applier, catalog));
        watcher.start();
        onStoreThread(() -> null); // the first catalog, if any, is applied once this returns
    }

    /** Queues a catalog; a burst of changes is coalesced into applying only the latest. */
    private void submit(CatalogApplier applier, Catalog catalog) {
        if (pending.getAndSet(catalog) == null) {
            storeExecutor.execute(() -> applier.apply(pending.getAndSet(null)));
        }
    }

    /** Where UDP listens (the real port when port 0 was configured). */
    public InetSocketAddress udpAddress() {
        return transport.udpAddress();
    }

    /** Where TCP listens; the same port as UDP. */
    public InetSocketAddress tcpAddress() {
        return transport.tcpAddress();
    }

    /** The configuration the server runs with. */
    public ServerConfig config() {
        return config;
    }

    /**
     * Stops watching, closes the sockets and event loops, lets a catalog change in progress finish
     * (its VIPs stay durable) and closes the store. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (watcher != null) {
            watcher.close();
        }
        if (transport != null) {
            transport.close();
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

    /**
     * The one reference to the file store. Looked up reflectively only until the vip-allocator
     * branch is merged; then this body becomes {@code return FileVipStore.open(dataDir);}.
     */
    private static VipStore openFileStore(Path dataDir) throws IOException {
        return FileVipStore.open(dataDir);
    }

    private static Thread storeThread(Runnable task) {
        Thread thread = new Thread(task, "meshdns-vip-store");
        thread.setDaemon(true);
        return thread;
    }
}
