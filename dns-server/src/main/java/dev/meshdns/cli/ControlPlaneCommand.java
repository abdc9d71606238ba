package dev.meshdns.cli;

import dev.meshdns.catalog.Catalog;
import dev.meshdns.catalog.CatalogWatcher;
import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.config.HostPort;
import dev.meshdns.controlplane.MeshDnsControlPlane;
import dev.meshdns.controlplane.VipWatchConsumer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mesh-dns control-plane}: the reference xDS control plane. Serves the watched catalog file
 * (the same YAML as {@code serve --catalog-file}) as {@code meshdns.v1.ServiceEntry} resources over
 * Delta ADS, optionally logs the VIPs a mesh-dns hands back, and runs until SIGTERM/SIGINT. It
 * listens only once a first catalog is loaded: a mesh-dns connecting earlier would be sent an empty
 * state and told to remove every name it holds. Thread-safety: the catalog watcher's thread hands
 * catalogs over under one lock; one invocation per instance.
 */
@Command(name = "control-plane", sortOptions = false,
        description = "Serve a catalog file to mesh-dns over xDS (Delta ADS), as a reference control plane.")
final class ControlPlaneCommand implements Callable<Integer> {
    static final String DEFAULT_LISTEN = "127.0.0.1:18000";
    private static final Logger log = LoggerFactory.getLogger(ControlPlaneCommand.class);

    @Spec
    private CommandSpec spec;

    @Option(names = "--catalog-file", paramLabel = "PATH", required = true,
            description = "Catalog YAML (a 'services:' list) to serve. Watched: every change is pushed as a delta;"
                    + " a missing or unusable file is waited for (nothing listens until a first catalog is loaded).")
    private Path catalogFile;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = DEFAULT_LISTEN,
            description = "gRPC address of the xDS server (plaintext); port 0 picks a free port."
                    + " Default: ${DEFAULT-VALUE}.")
    private String listen;

    @Option(names = "--vip-watch", paramLabel = "HOST:PORT",
            description = "A mesh-dns VipService (its --grpc-listen) to watch; the VIPs it allocated are logged."
                    + " Default: none.")
    private String vipWatch;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    private final Object lock = new Object();
    // Guarded by lock: the latest catalog until the control plane listens, then the control plane.
    private Catalog firstCatalog;
    private MeshDnsControlPlane controlPlane;
    private VipWatchConsumer vips;
    private boolean stopping;

    @Override
    public Integer call() throws InterruptedException {
        InetSocketAddress address;
        String flag = "--listen";
        try {
            address = hostPort(listen);
            flag = "--vip-watch";
            if (vipWatch != null) {
                hostPort(vipWatch);
            }
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("mesh-dns control-plane: " + flag + " " + e.getMessage());
            spec.commandLine().getErr().println("See 'mesh-dns control-plane --help'.");
            return ServeCommand.EXIT_CONFIG;
        }
        CatalogWatcher watcher = new CatalogWatcher(catalogFile, this::catalogChanged);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop(watcher);
            stopped.countDown();
        }, "meshdns-shutdown"));
        watcher.start(); // delivers the file now if it is there and usable
        try {
            synchronized (lock) {
                if (!listenOnceLoaded(address)) {
                    return 0;
                }
                vips = vipWatch == null ? null : VipWatchConsumer.start(vipWatch);
                log.info("control plane serving {} on {}{}", catalogFile, controlPlane.address(),
                        vipWatch == null ? "" : ", watching VIPs at " + vipWatch);
            }
        } catch (IOException | RuntimeException e) {
            log.error("control plane failed to start: {}", e.getMessage(), e);
            watcher.close();
            return ServeCommand.EXIT_START;
        }
        stopped.await();
        return 0;
    }

    private void stop(CatalogWatcher watcher) {
        log.info("control plane stopping");
        watcher.close();
        synchronized (lock) {
            stopping = true;
            lock.notifyAll();
            if (vips != null) {
                vips.close();
            }
            if (controlPlane != null) {
                controlPlane.close();
            }
        }
    }

    /**
     * Waits for the first usable catalog, then listens, serving it from the first stream on.
     * Returns false when stopped while waiting. Holds {@link #lock}.
     */
    private boolean listenOnceLoaded(InetSocketAddress address) throws InterruptedException, IOException {
        if (firstCatalog == null && !stopping) {
            log.info("not listening on {} until a usable catalog is loaded from {}", address, catalogFile);
        }
        while (firstCatalog == null && !stopping) {
            lock.wait();
        }
        if (stopping) {
            return false;
        }
        controlPlane = MeshDnsControlPlane.builder().listen(address).entries(wireEntries(firstCatalog)).start();
        firstCatalog = null;
        return true;
    }

    /** Runs on the watcher's thread (or in {@code watcher.start()}), for each new usable catalog. */
    private void catalogChanged(Catalog catalog) {
        synchronized (lock) {
            if (controlPlane != null) {
                controlPlane.replaceAll(wireEntries(catalog));
            } else {
                firstCatalog = catalog; // a later one before listening replaces it: the latest is served
                lock.notifyAll();
            }
        }
    }

    private static List<dev.meshdns.sync.v1.ServiceEntry> wireEntries(Catalog catalog) {
        return catalog.entries().stream().map(ControlPlaneCommand::toProto).toList();
    }

    /** The wire form of a catalog entry; an absent VIP is the empty string (mesh-dns allocates one). */
    static dev.meshdns.sync.v1.ServiceEntry toProto(ServiceEntry entry) {
        return dev.meshdns.sync.v1.ServiceEntry.newBuilder()
                .setService(entry.service())
                .addAllHostnames(entry.hostnames())
                .setVip(entry.vip() == null ? "" : entry.vip().getHostAddress())
                .setVip6(entry.vip6() == null ? "" : entry.vip6().getHostAddress())
                .addAllPorts(entry.ports())
                .build();
    }

    /** {@code HOST:PORT} or {@code [IPv6]:PORT}, parsed like serve's addresses. */
    static InetSocketAddress hostPort(String text) {
        return HostPort.parse(text, 18000);
    }
}
