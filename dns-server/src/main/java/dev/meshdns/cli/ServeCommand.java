package dev.meshdns.cli;

import dev.meshdns.MeshDnsServer;
import dev.meshdns.config.ForwardConfig;
import dev.meshdns.config.HostPort;
import dev.meshdns.config.InvalidConfigException;
import dev.meshdns.config.RateLimitConfig;
import dev.meshdns.config.ServerConfig;
import dev.meshdns.config.StoreKind;
import dev.meshdns.vip.store.PostgresUrl;
import dev.meshdns.admin.BuildInfo;
import dev.meshdns.config.Durations;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

// Past 300 lines for its flag declarations: one @Option with its help text per setting. The fields
// only declare the flags to picocli; call() reads every setting, flags included, through Settings.
/**
 * {@code mesh-dns serve}: merges the settings of the config file, the {@code MESHDNS_*} variables and
 * the flags ({@link Settings}), validates them into a {@link ServerConfig} listing every problem at
 * once, then checks them ({@code --check-config}) or starts the server and runs until SIGTERM/SIGINT:
 * not ready at once, answering for {@code --lameduck}, then closed in order. Not thread-safe (one
 * invocation per instance).
 */
@Command(name = "serve", sortOptions = false,
        description = "Answer DNS for the zone over UDP and TCP, with VIPs for the services of the catalog file.")
final class ServeCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

    static final String DEFAULT_LAMEDUCK = "5s";

    private final Map<String, String> env;

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

    @Option(names = "--ns-name", paramLabel = "NAME",
            description = "Host name the zone's NS record and SOA MNAME name. Inside the zone it is answered with"
                    + " --ns-address (or NODATA without one); outside it, it is answered elsewhere."
                    + " Default: ns.dns.<zone>.")
    private String nsName;

    @Option(names = "--ns-address", paramLabel = "IP",
            description = "Address of the --ns-name host, e.g. the ClusterIP of mesh-dns's Service; repeatable"
                    + " (IPv4 and IPv6). Default: the --dns-listen address unless it is 0.0.0.0 or :: (then none).")
    private List<String> nsAddresses;

    @Option(names = "--cookie-secret", paramLabel = "HEX",
            description = "DNS cookie secret (RFC 9018 server cookies), 32 hex digits; give every replica behind one"
                    + " address the same. Repeatable, at most twice: the first makes cookies, both verify (rotate:"
                    + " add the new one second, then move it first, drop the old one an hour later)."
                    + " Default: a random secret per start.")
    private List<String> cookieSecrets;

    @Option(names = "--cookie-require", defaultValue = "false",
            description = "Answer BADCOOKIE (RFC 7873) to a UDP query that has a client cookie but no valid server"
                    + " cookie; queries without a cookie and TCP are answered as always. Default: ${DEFAULT-VALUE}.")
    private boolean cookieRequire;
    @Option(names = "--accept-store-loss", defaultValue = "false",
            description = "Start even though the file store's files show lost VIP allocations (a journal or"
                    + " snapshot deleted, truncated or replaced by an older copy): log each loss at WARN, restore what"
                    + " is left and rewrite it, so the next start is clean. Services whose allocations were lost may"
                    + " get other VIPs. Without it such a start fails, naming the file. Default: ${DEFAULT-VALUE}.")
    private boolean acceptStoreLoss;

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

    @Option(names = "--transport", paramLabel = "auto|io_uring|epoll|nio",
            defaultValue = ServerConfig.DEFAULT_TRANSPORT_TEXT,
            description = "Socket transport of the DNS listeners: io_uring or epoll (Linux; --udp-threads UDP sockets"
                    + " through SO_REUSEPORT, batched reads) or nio (one UDP socket). auto takes the best one this"
                    + " machine offers and logs why a better one is not available; a named one that is not available"
                    + " fails the start. Default: ${DEFAULT-VALUE}.")
    private String transport;

    @Option(names = "--udp-threads", paramLabel = "N", defaultValue = "0",
            description = "UDP sockets, each with its own event loop thread, sharing the port through SO_REUSEPORT"
                    + " (io_uring and epoll; nio has one). 0: one per two cores, at least one. Default: ${DEFAULT-VALUE}.")
    private String udpThreads;

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

    @Option(names = "--rrl-rate", paramLabel = "N",
            description = "Response rate limiting (like Knot's rrl): at most N UDP replies per second to each client"
                    + " /24 (IPv4) or /56 (IPv6); the others are dropped or slipped (--rrl-slip). TCP is not limited."
                    + " 0 for off. Default: 0 (off).")
    private String rrlRate;

    @Option(names = "--rrl-slip", paramLabel = "N",
            description = "With --rrl-rate: every Nth limited reply is sent truncated (TC=1, so real clients retry"
                    + " over TCP), the others are dropped; 0 drops all, 1 truncates all. Default: "
                    + RateLimitConfig.DEFAULT_SLIP + ".")
    private String rrlSlip;

    @Option(names = "--rrl-table-size", paramLabel = "N",
            description = "With --rrl-rate: buckets of the rate limit table (8 bytes each, rounded up to a power of"
                    + " two); some 1.2 times the client prefixes seen per second. Default: "
                    + RateLimitConfig.DEFAULT_TABLE_SIZE + ".")
    private String rrlTableSize;

    @Option(names = "--lameduck", paramLabel = "DURATION", defaultValue = DEFAULT_LAMEDUCK,
            description = "After SIGTERM or SIGINT, /ready answers 503 and DNS keeps answering for this long before"
                    + " the server stops (like CoreDNS's health lameduck), so load balancers stop sending first;"
                    + " a second signal stops at once; 0s for none. Default: ${DEFAULT-VALUE}.")
    private String lameduck;

    @Option(names = "--log-level", paramLabel = "error|warn|info|debug", defaultValue = "info",
            description = "Least severe log level written; debug adds stack traces of start failures."
                    + " Default: ${DEFAULT-VALUE}.")
    private String logLevel;

    @Option(names = "--log-format", paramLabel = "text|json", defaultValue = "text",
            description = "Log lines as text, or as JSON objects (time, level, thread, logger, message) for log"
                    + " shippers. Default: ${DEFAULT-VALUE}.")
    private String logFormat;

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML file of settings: keys are these flags without --, e.g. 'dns-listen: 0.0.0.0:5653',"
                    + " a list for a repeatable flag, true or false for a switch. Variables MESHDNS_<FLAG> (e.g."
                    + " MESHDNS_DNS_LISTEN, lists comma-separated) override it, flags override both."
                    + " Default: $MESHDNS_CONFIG, else none.")
    private Path config;

    @Option(names = "--check-config",
            description = "Check the settings from every source (files exist, addresses parse, the catalog"
                    + " reads), print every problem and exit 2, or print a summary and exit 0; starts nothing.")
    private boolean checkConfig;

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

    /** For picocli and tests: the process's environment. */
    ServeCommand() {
        this(System.getenv());
    }

    /** With {@code env} as the environment the {@code MESHDNS_*} variables are read from. */
    ServeCommand(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public Integer call() throws InterruptedException {
        Settings settings = Settings.merge(spec, env);
        List<String> problems = new ArrayList<>(settings.problems());
        Duration lameduck = parsed("lameduck", () -> Durations.parse(settings.one("lameduck")), problems);
        LogSettings logging = LogSettings.parse(settings.one("log-level"), settings.one("log-format"), problems);
        ServerConfig config = null;
        try {
            config = serverConfig(settings);
        } catch (InvalidConfigException e) {
            problems.addAll(e.problems());
        }
        if (checkConfig) {
            problems.addAll(ConfigCheck.fileProblems(settings.path("catalog-file"),
                    settings.path("upstream-resolv-conf")));
        }
        if (!problems.isEmpty()) {
            return Main.invalidConfig(spec, new InvalidConfigException(problems));
        }
        if (checkConfig) {
            spec.commandLine().getOut().println("configuration OK: " + ConfigCheck.summary(config, lameduck));
            return 0;
        }
        logging.apply();
        return serve(config, lameduck);
    }

    private int serve(ServerConfig config, Duration lameduck) throws InterruptedException {
        StopSignals signals = StopSignals.install();
        MeshDnsServer server;
        StartHeap heap = StartHeap.widen();
        try {
            MeshDnsServer started = MeshDnsServer.start(config, heap::beforeFirstAnswer);
            server = started;
            // A control plane's first catalog may arrive after the start: the heap grows in steps until it is
            // applied, then what it grew is given back (above 400,000 names collected before the first answer
            // instead, when no saved table answered: StartHeap.beforeFirstAnswer).
            server.firstSyncApplied().whenComplete((applied, error) -> heap.afterStart(started.names()));
        } catch (IOException | RuntimeException e) {
            heap.close();
            // The message names the flag or address; the trace is for debugging only.
            StartFailure failure = StartFailure.of(e, config);
            log.error("mesh-dns failed to start: {}", failure.message());
            log.debug("mesh-dns failed to start", e);
            return failure.configuration() ? Main.EXIT_CONFIG : Main.EXIT_START;
        }
        signals.running(server::close);
        log.info("mesh-dns {} listening on udp/tcp {} (zone {}, VIPs from {}, catalog {}, control plane {}, store {},"
                        + " upstreams {}, admin http://{})", BuildInfo.version(), HostPort.text(server.udpAddress()),
                config.zone(), config.store() == StoreKind.NONE ? "its control plane" : config.vipCidr(),
                config.catalogFile() == null ? "none" : config.catalogFile(),
                config.controlPlane() == null ? "none" : config.controlPlane().target(),
                config.store() == StoreKind.POSTGRES ? PostgresUrl.mask(config.postgresUrl())
                        : config.store() == StoreKind.NONE ? "none" : config.dataDir(), upstreams(config),
                HostPort.text(server.adminAddress()));
        String signal = signals.awaitFirst();
        server.shuttingDown();
        if (!lameduck.isZero()) {
            log.info("{}: shutting down, /ready answers 503, DNS answers for {} more (--lameduck)", signal,
                    Durations.format(lameduck));
            signals.awaitSecond(lameduck).ifPresent(second -> log.info("{} again: stopping now", second));
        }
        log.info("mesh-dns stopping");
        server.close();
        log.info("mesh-dns stopped");
        return 0;
    }

    /** The server's settings, fed as text to the builder's setters (which collect every problem). */
    private static ServerConfig serverConfig(Settings settings) {
        return ServerConfig.builder().catalogFile(settings.path("catalog-file"))
                .dnsListen(settings.one("dns-listen")).dataDir(settings.path("data-dir")).zone(settings.one("zone"))
                .vipCidr(settings.one("vip-cidr")).ttlSeconds(settings.one("ttl")).vip6Cidr(settings.one("vip6-cidr"))
                .aaaaIpv4Mapped(settings.one("aaaa-ipv4-mapped")).vipQuarantine(settings.one("vip-quarantine"))
                .acceptStoreLoss(settings.one("accept-store-loss"))
                .store(settings.one("store")).postgresUrl(settings.one("postgres-url"))
                .transport(settings.one("transport")).udpThreads(settings.one("udp-threads"))
                .adminListen(settings.one("admin-listen")).controlPlane(settings.one("control-plane"))
                .nodeId(settings.one("node-id")).controlPlaneCa(settings.path("control-plane-ca"))
                .controlPlaneCert(settings.path("control-plane-cert"))
                .controlPlaneKey(settings.path("control-plane-key")).grpcListen(settings.one("grpc-listen"))
                .upstreams(settings.all("upstream")).upstreamResolvConf(settings.path("upstream-resolv-conf"))
                .recursionAllow(settings.all("recursion-allow")).forwardTimeout(settings.one("forward-timeout"))
                .serveStale(settings.one("serve-stale")).cacheEntries(settings.one("cache-entries"))
                .nsName(settings.one("ns-name")).nsAddresses(settings.all("ns-address"))
                .cookieSecrets(settings.all("cookie-secret")).cookieRequire(settings.one("cookie-require"))
                .rrlRate(settings.one("rrl-rate")).rrlSlip(settings.one("rrl-slip"))
                .rrlTableSize(settings.one("rrl-table-size"))
                .build();
    }

    private static <T> T parsed(String setting, Supplier<T> parse, List<String> problems) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            problems.add(setting + " " + e.getMessage());
            return null;
        }
    }
}
