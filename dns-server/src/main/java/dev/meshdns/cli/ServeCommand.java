package dev.meshdns.cli;

import dev.meshdns.MeshDnsServer;
import dev.meshdns.config.ForwardConfig;
import dev.meshdns.config.HostPort;
import dev.meshdns.config.InvalidConfigException;
import dev.meshdns.config.ServerConfig;
import dev.meshdns.config.StoreKind;
import dev.meshdns.vip.store.PostgresUrl;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mesh-dns serve}: validates the flags into a {@link ServerConfig}, starts the server and
 * runs until SIGTERM/SIGINT, when a shutdown hook closes it cleanly. Flags are taken as text so
 * that every problem is reported at once. Not thread-safe (one invocation per instance).
 */
@Command(name = "serve", sortOptions = false,
        description = "Answer DNS for the zone over UDP and TCP, with VIPs for the services of the catalog file.")
final class ServeCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

    @Spec
    private CommandSpec spec;

    @Option(names = "--catalog-file", paramLabel = "PATH",
            description = "Catalog YAML (a 'services:' list). Required unless --control-plane is given; with it,"
                    + " both are combined (the control plane wins a service defined by both). Watched: edits apply"
                    + " within a second; a missing file is waited for.")
    private Path catalogFile;

    @Option(names = "--dns-listen", paramLabel = "HOST:PORT", defaultValue = ServerConfig.DEFAULT_DNS_LISTEN,
            description = "UDP and TCP address to answer on; port 0 picks a free port. Default: ${DEFAULT-VALUE}.")
    private String dnsListen;

    @Option(names = "--data-dir", paramLabel = "PATH", defaultValue = ServerConfig.DEFAULT_DATA_DIR,
            description = "Directory of the durable VIP store and of the control plane's last-known-good entries"
                    + " (only those with --store none). Default: ${DEFAULT-VALUE}.")
    private Path dataDir;

    @Option(names = "--zone", paramLabel = "NAME", defaultValue = ServerConfig.DEFAULT_ZONE,
            description = "The zone answered authoritatively. Default: ${DEFAULT-VALUE}.")
    private String zone;

    @Option(names = "--vip-cidr", paramLabel = "CIDR", defaultValue = ServerConfig.DEFAULT_VIP_CIDR,
            description = "IPv4 pool VIPs are allocated from. Default: ${DEFAULT-VALUE}.")
    private String vipCidr;

    @Option(names = "--ttl", paramLabel = "SECONDS", defaultValue = "" + ServerConfig.DEFAULT_TTL_SECONDS,
            description = "TTL of the answers, in seconds. Default: ${DEFAULT-VALUE}.")
    private String ttl;

    @Option(names = "--vip6-cidr", paramLabel = "CIDR",
            description = "IPv6 pool VIPs are allocated from, e.g. fd00:fd00::/64; AAAA then answers the service's"
                    + " IPv6 VIP and PTR works under ip6.arpa. Default: none (IPv4 only).")
    private String vip6Cidr;

    @Option(names = "--aaaa-ipv4-mapped", defaultValue = "false",
            description = "Answer AAAA with ::ffff:<IPv4 VIP> for a service without an IPv6 VIP (for dual-stack"
                    + " proxies). With --vip6-cidr it applies only to services that have no IPv6 VIP."
                    + " Default: ${DEFAULT-VALUE}.")
    private boolean aaaaIpv4Mapped;

    @Option(names = "--vip-quarantine", paramLabel = "DURATION",
            defaultValue = ServerConfig.DEFAULT_VIP_QUARANTINE_TEXT,
            description = "A VIP released by a service that left the catalog is not given to another service for"
                    + " this long (clients may have cached it); the same service coming back gets it again."
                    + " Like 90s, 15m, 1h, 2h30m, 1d, 0s or PT1H. Default: ${DEFAULT-VALUE}.")
    private String vipQuarantine;

    @Option(names = "--store", paramLabel = "file|postgres|none", defaultValue = ServerConfig.DEFAULT_STORE_TEXT,
            description = "Where VIPs are kept: file (a journal in --data-dir, for one server), postgres"
                    + " (--postgres-url; replicas sharing the database answer the same VIPs) or none (a follower:"
                    + " allocates nothing, answers the VIPs its --control-plane sends, SERVFAIL \"no VIP assigned"
                    + " yet\" for an entry without one)."
                    + " Default: ${DEFAULT-VALUE}.")
    private String store;

    @Option(names = "--postgres-url", paramLabel = "URL",
            description = "JDBC URL of the PostgreSQL database, e.g. " + ServerConfig.POSTGRES_URL_EXAMPLE + "."
                    + " Required with --store postgres and only used then. Default: none.")
    private String postgresUrl;

    @Option(names = "--admin-listen", paramLabel = "HOST:PORT", defaultValue = ServerConfig.DEFAULT_ADMIN_LISTEN,
            description = "HTTP address of the admin endpoints (metrics, health, ready); port 0 picks a free port."
                    + " Default: ${DEFAULT-VALUE}.")
    private String adminListen;

    @Option(names = "--control-plane", paramLabel = "HOST:PORT",
            description = "xDS control plane to sync service entries from (Delta ADS, type meshdns.v1.ServiceEntry)."
                    + " What it sent last is kept in --data-dir and served while it is away. Default: none.")
    private String controlPlane;

    @Option(names = "--node-id", paramLabel = "ID",
            description = "xDS node id sent to the control plane. Default: this machine's host name.")
    private String nodeId;

    @Option(names = "--control-plane-ca", paramLabel = "FILE",
            description = "PEM CA certificates to verify the control plane with (TLS). Default: plaintext.")
    private Path controlPlaneCa;

    @Option(names = "--control-plane-cert", paramLabel = "FILE",
            description = "PEM client certificate chain for mutual TLS with the control plane (with"
                    + " --control-plane-key). Default: none.")
    private Path controlPlaneCert;

    @Option(names = "--control-plane-key", paramLabel = "FILE",
            description = "PEM (PKCS#8) private key of --control-plane-cert. Default: none.")
    private Path controlPlaneKey;

    @Option(names = "--grpc-listen", paramLabel = "HOST:PORT", defaultValue = ServerConfig.DEFAULT_GRPC_LISTEN,
            description = "gRPC address serving the entries with their VIPs over Delta ADS (for followers) and"
                    + " meshdns.v1.VipService (the allocated VIPs, for the control plane; not with --store none);"
                    + " port 0 picks a free port. Default: ${DEFAULT-VALUE}.")
    private String grpcListen;

    @Option(names = "--upstream", paramLabel = "HOST[:PORT]",
            description = "Upstream DNS server for names outside the zone (IPv4 or IPv6 literal, port 53 by"
                    + " default); repeatable, in order of preference. Default: none (names outside the zone are"
                    + " REFUSED).")
    private List<String> upstreams;

    @Option(names = "--upstream-resolv-conf", paramLabel = "PATH",
            description = "Take the upstreams from the nameserver lines of this file (e.g. /etc/resolv.conf),"
                    + " leaving out mesh-dns's own --dns-listen address; re-read when it changes. Default: none.")
    private Path upstreamResolvConf;

    @Option(names = "--recursion-allow", paramLabel = "CIDR",
            description = "Clients that may have names outside the zone forwarded; others get REFUSED for them"
                    + " (zone names are answered for everyone). Repeatable. Default: 127.0.0.0/8 and ::1/128.")
    private List<String> recursionAllow;

    @Option(names = "--forward-timeout", paramLabel = "DURATION",
            description = "Deadline of a forwarded query over all upstreams; then SERVFAIL, unless a stale answer"
                    + " can be served. Default: " + ForwardConfig.DEFAULT_TIMEOUT_TEXT + ".")
    private String forwardTimeout;

    @Option(names = "--serve-stale", paramLabel = "DURATION",
            description = "How long past its TTL a cached answer may still be served when the upstreams fail"
                    + " (RFC 8767; TTL 30, EDE 3); 0s turns it off. Default: "
                    + ForwardConfig.DEFAULT_SERVE_STALE_TEXT + ".")
    private String serveStale;

    @Option(names = "--cache-entries", paramLabel = "N",
            description = "Size bound of the answer cache of forwarded names; 0 turns caching off. Default: "
                    + ForwardConfig.DEFAULT_CACHE_ENTRIES + ".")
    private String cacheEntries;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    /** The upstreams as the log names them: the flags' and the resolv.conf's, or none. */
    private static String upstreams(ServerConfig config) {
        ForwardConfig forward = config.forward();
        if (!forward.enabled()) {
            return "none";
        }
        List<String> named = new java.util.ArrayList<>(forward.upstreams().stream().map(HostPort::text).toList());
        if (forward.resolvConf() != null) {
            named.add("the nameservers of " + forward.resolvConf());
        }
        return String.join(", ", named);
    }

    @Override
    public Integer call() throws InterruptedException {
        ServerConfig config;
        try {
            config = ServerConfig.builder().catalogFile(catalogFile).dnsListen(dnsListen).dataDir(dataDir)
                    .zone(zone).vipCidr(vipCidr).ttlSeconds(ttl).vip6Cidr(vip6Cidr).aaaaIpv4Mapped(aaaaIpv4Mapped)
                    .vipQuarantine(vipQuarantine).store(store).postgresUrl(postgresUrl).adminListen(adminListen)
                    .controlPlane(controlPlane).nodeId(nodeId).controlPlaneCa(controlPlaneCa)
                    .controlPlaneCert(controlPlaneCert).controlPlaneKey(controlPlaneKey).grpcListen(grpcListen)
                    .upstreams(upstreams).upstreamResolvConf(upstreamResolvConf).recursionAllow(recursionAllow)
                    .forwardTimeout(forwardTimeout).serveStale(serveStale).cacheEntries(cacheEntries)
                    .build();
        } catch (InvalidConfigException e) {
            return Main.invalidConfig(spec, e);
        }
        MeshDnsServer server;
        try {
            server = MeshDnsServer.start(config);
        } catch (IOException | RuntimeException e) {
            // The message names the flag or address; the trace is for debugging only.
            log.error("mesh-dns failed to start: {}", e.getMessage());
            log.debug("mesh-dns failed to start", e);
            return Main.EXIT_START;
        }
        ShutdownHook shutdown = ShutdownHook.install(() -> {
            log.info("mesh-dns stopping");
            server.close();
            log.info("mesh-dns stopped");
        });
        log.info("mesh-dns listening on udp/tcp {} (zone {}, VIPs from {}, catalog {}, control plane {}, store {},"
                        + " upstreams {}, admin http://{})", HostPort.text(server.udpAddress()), config.zone(),
                config.store() == StoreKind.NONE ? "its control plane" : vipCidr,
                config.catalogFile() == null ? "none" : config.catalogFile(),
                config.controlPlane() == null ? "none" : config.controlPlane().target(),
                config.store() == StoreKind.POSTGRES ? PostgresUrl.mask(config.postgresUrl())
                        : config.store() == StoreKind.NONE ? "none" : config.dataDir(), upstreams(config), HostPort.text(server.adminAddress()));
        shutdown.awaitStop();
        return 0;
    }
}
