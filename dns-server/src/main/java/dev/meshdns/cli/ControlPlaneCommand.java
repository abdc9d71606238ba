package dev.meshdns.cli;

import dev.meshdns.catalog.Catalog;
import dev.meshdns.catalog.CatalogWatcher;
import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.config.HostPort;
import dev.meshdns.config.InvalidConfigException;
import dev.meshdns.config.PemFiles;
import dev.meshdns.controlplane.MeshDnsControlPlane;
import dev.meshdns.controlplane.VipWatchConsumer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mesh-dns control-plane}: the reference xDS control plane. Serves the watched catalog file
 * (the same YAML as {@code serve --catalog-file}) as {@code meshdns.v1.ServiceEntry} resources over
 * Delta ADS (plaintext, TLS or mutual TLS), optionally logs the VIPs a mesh-dns hands back, and
 * runs until SIGTERM/SIGINT. It listens only once a first catalog is loaded: a mesh-dns connecting
 * earlier would be sent an empty state and told to remove every name it holds. Thread-safety: the
 * catalog watcher's thread hands catalogs over under one lock; one invocation per instance.
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
            description = "gRPC address of the xDS server (plaintext unless --tls-cert); port 0 picks a free port."
                    + " Default: ${DEFAULT-VALUE}.")
    private String listen;

    @Option(names = "--vip-watch", paramLabel = "HOST:PORT",
            description = "A mesh-dns VipService (its --grpc-listen) to watch; the VIPs it allocated are logged."
                    + " Default: none.")
    private String vipWatch;

    @Option(names = "--tls-cert", paramLabel = "PATH",
            description = "PEM certificate chain to serve TLS with (with --tls-key). Default: none (plaintext).")
    private Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PATH",
            description = "PEM (PKCS#8) private key of --tls-cert. Default: none.")
    private Path tlsKey;

    @Option(names = "--tls-client-ca", paramLabel = "PATH",
            description = "PEM CA certificates that client certificates must be signed by; every client must"
                    + " present one (mutual TLS). Only with --tls-cert. Default: none (no client certificates).")
    private Path tlsClientCa;

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
        List<String> problems = problems();
        if (!problems.isEmpty()) {
            return Main.invalidConfig(spec, new InvalidConfigException(problems));
        }
        InetSocketAddress address = hostPort(listen);
        CatalogWatcher watcher = new CatalogWatcher(catalogFile, this::catalogChanged);
        ShutdownHook shutdown = ShutdownHook.install(() -> stop(watcher));
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
            return Main.EXIT_START;
        }
        shutdown.awaitStop();
        return 0;
    }

    /** Every problem of the flags at once, each naming the flag and what was given. */
    private List<String> problems() {
        List<String> problems = new ArrayList<>();
        addressProblem("--listen", listen, problems);
        if (vipWatch != null) {
            addressProblem("--vip-watch", vipWatch, problems);
        }
        PemFiles.check("--tls-cert", tlsCert, problems);
        PemFiles.check("--tls-key", tlsKey, problems);
        PemFiles.check("--tls-client-ca", tlsClientCa, problems);
        if ((tlsCert == null) != (tlsKey == null)) {
            problems.add("--tls-cert and --tls-key must be given together (got only "
                    + (tlsCert == null ? "--tls-key" : "--tls-cert") + ")");
        }
        if (tlsClientCa != null && tlsCert == null) {
            problems.add("--tls-client-ca (mutual TLS) needs --tls-cert and --tls-key too"
                    + " (got --tls-client-ca " + tlsClientCa + " without --tls-cert)");
        }
        return problems;
    }

    private static void addressProblem(String flag, String text, List<String> problems) {
        try {
            hostPort(text);
        } catch (IllegalArgumentException e) {
            problems.add(flag + " " + e.getMessage());
        }
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
        MeshDnsControlPlane.Builder builder = MeshDnsControlPlane.builder().listen(address)
                .entries(wireEntries(firstCatalog));
        if (tlsCert != null) {
            builder.tls(tlsCert, tlsKey);
        }
        if (tlsClientCa != null) {
            builder.clientCa(tlsClientCa);
        }
        controlPlane = builder.start();
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
