package dev.meshdns.config;

import dev.meshdns.catalog.DnsNames;
import dev.meshdns.catalog.IpLiterals;
import dev.meshdns.vip.Cidr;
import dev.meshdns.vip.store.PostgresUrl;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

// Past 300 lines for its nested Builder, one typed and often one text setter per setting: nested, so
// callers write ServerConfig.builder() and the record and its builder change together. The checks
// are in ServerConfigProblems.
/**
 * Everything the server needs to start. Valid by construction: the checks of
 * {@link ServerConfigProblems} run once per config, in the constructor (or in
 * {@link Builder#build()} when some text did not parse), and {@link InvalidConfigException} lists
 * every problem at once, named like the CLI flags ({@code dns-listen}, {@code vip-cidr}). Immutable.
 *
 * @param catalogFile                the catalog YAML; watched, and waited for when missing. Null when the
 *                                   catalog comes from the control plane only
 * @param dnsListen                  UDP and TCP address; port 0 picks a free port
 * @param dataDir                    where the file VIP store keeps its journal
 * @param zone                       the authoritative zone, lower case, no trailing dot
 * @param vipCidr                    the IPv4 VIP pool
 * @param ttlSeconds                 TTL of the answers
 * @param tcpIdleTimeout             a TCP connection without a complete query for this long is closed
 * @param maxTcpConnections          open TCP connections at most
 * @param maxTcpConnectionsPerSource open TCP connections at most per client address
 * @param vip6Cidr                   the IPv6 VIP pool; null for none
 * @param aaaaIpv4Mapped             AAAA answers {@code ::ffff:<IPv4 VIP>} for a service without an IPv6 VIP
 * @param vipQuarantine              a released VIP is not given to another service for this long (0 or more)
 * @param store                      where VIP allocations are kept
 * @param postgresUrl                the JDBC URL of the shared database; set exactly when {@code store} is
 *                                   {@link StoreKind#POSTGRES}. May hold a password: log
 *                                   {@link PostgresUrl#mask(String)} of it, never the URL itself
 * @param adminListen                HTTP address of the admin endpoints (metrics, health, ready); port 0 picks
 *                                   a free port
 * @param controlPlane               the xDS control plane the catalog is synced from; null for none (then
 *                                   {@code catalogFile} is required)
 * @param grpcListen                 gRPC address of {@code meshdns.v1.VipService} (the VIPs handed back to the
 *                                   control plane); port 0 picks a free port
 * @param forward                    forwarding of names outside the zone; null or {@link ForwardConfig#OFF} for
 *                                   none
 * @param nameServer                 the host the apex NS names; null for {@link NameServerConfig#DEFAULT}
 * @param cookies                    DNS cookie secrets and policy; null for {@link CookieConfig#DEFAULT}
 * @param acceptStoreLoss            open a file store whose files show lost allocations anyway (logged at WARN)
 * @param rateLimit                  response rate limiting of UDP replies; null or {@link RateLimitConfig#OFF}
 *                                   for none
 * @param transport                  the socket transport of the DNS listeners; null for {@link #DEFAULT_TRANSPORT}
 * @param udpThreads                 UDP sockets and event loop threads of a native transport; 0 for
 *                                   {@link #defaultUdpThreads(int)} of this machine's cores
 */
public record ServerConfig(Path catalogFile, InetSocketAddress dnsListen, Path dataDir, String zone, Cidr vipCidr,
                           int ttlSeconds, Duration tcpIdleTimeout, int maxTcpConnections,
                           int maxTcpConnectionsPerSource, Cidr vip6Cidr, boolean aaaaIpv4Mapped,
                           Duration vipQuarantine, StoreKind store, String postgresUrl,
                           InetSocketAddress adminListen, ControlPlaneConfig controlPlane,
                           InetSocketAddress grpcListen, ForwardConfig forward, NameServerConfig nameServer,
                           CookieConfig cookies, boolean acceptStoreLoss,
                           RateLimitConfig rateLimit, TransportChoice transport, int udpThreads) {
    public static final String DEFAULT_DNS_LISTEN = "127.0.0.1:5653";
    public static final String DEFAULT_DATA_DIR = "./data";
    public static final String DEFAULT_ZONE = "mesh";
    public static final String DEFAULT_VIP_CIDR = "240.0.0.0/4";
    public static final int DEFAULT_TTL_SECONDS = 30;
    public static final Duration DEFAULT_TCP_IDLE_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_TCP_CONNECTIONS = 150;
    public static final int DEFAULT_MAX_TCP_CONNECTIONS_PER_SOURCE = 50;
    /** On the command line; {@link #DEFAULT_VIP_QUARANTINE} as a Duration. */
    public static final String DEFAULT_VIP_QUARANTINE_TEXT = "1h";
    public static final Duration DEFAULT_VIP_QUARANTINE = Duration.ofHours(1);
    public static final StoreKind DEFAULT_STORE = StoreKind.FILE;
    public static final TransportChoice DEFAULT_TRANSPORT = TransportChoice.AUTO;
    /** On the command line; must be a constant expression for picocli. */
    public static final String DEFAULT_TRANSPORT_TEXT = "auto";
    /** The most {@code --udp-threads}. */
    public static final int MAX_UDP_THREADS = 256;
    /** On the command line; must be a constant expression for picocli. */
    public static final String DEFAULT_STORE_TEXT = "file";
    public static final String DEFAULT_ADMIN_LISTEN = "127.0.0.1:9153";
    public static final String DEFAULT_GRPC_LISTEN = "127.0.0.1:5678";
    public static final String POSTGRES_URL_PREFIX = "jdbc:postgresql://";
    public static final String POSTGRES_URL_EXAMPLE = "jdbc:postgresql://127.0.0.1:5432/meshdns?user=meshdns";

    public ServerConfig {
        forward = forward == null ? ForwardConfig.OFF : forward;
        nameServer = nameServer == null ? NameServerConfig.DEFAULT : nameServer;
        cookies = cookies == null ? CookieConfig.DEFAULT : cookies;
        rateLimit = rateLimit == null ? RateLimitConfig.OFF : rateLimit;
        transport = transport == null ? DEFAULT_TRANSPORT : transport;
        List<String> problems = ServerConfigProblems.of(catalogFile, dnsListen, dataDir, zone, vipCidr, ttlSeconds,
                tcpIdleTimeout, maxTcpConnections, maxTcpConnectionsPerSource, vip6Cidr, vipQuarantine, store,
                postgresUrl, adminListen, controlPlane, grpcListen, forward, rateLimit, Set.of());
        NameServerConfig.problems(nameServer, zone, Set.of(), problems);
        CookieConfig.problems(cookies, Set.of(), problems);
        ServerConfigProblems.acceptStoreLoss(acceptStoreLoss, store).ifPresent(problems::add);
        ServerConfigProblems.udpThreads(udpThreads).ifPresent(problems::add);
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(problems);
        }
        zone = DnsNames.normalize(zone);
    }

    /**
     * UDP event loops when {@code --udp-threads} is 0: one per two cores, at least one. Measured on 2
     * cores with dns-compare: one loop answered more queries at saturation than two (326k against
     * 311k qps) at about half the CPU per query at 30,000 qps (5.8 against 10.5 us), because each
     * wake-up then reads and sends a larger batch; the other cores are left to the kernel's network
     * stack, TCP, GC and the clients.
     */
    public static int defaultUdpThreads(int cores) {
        return Math.max(1, cores / 2);
    }

    /** The UDP event loops a native transport runs: {@link #udpThreads()}, or the default for this machine. */
    public int udpEventLoops() {
        return udpThreads > 0 ? udpThreads : defaultUdpThreads(Runtime.getRuntime().availableProcessors());
    }

    /** A builder starting from the defaults; only the catalog file (or the control plane) has none. */
    public static Builder builder() {
        return new Builder();
    }

    /** Like the generated one, with the password of {@link #postgresUrl()} masked. */
    @Override
    public String toString() {
        return "ServerConfig[catalogFile=" + catalogFile + ", dnsListen=" + dnsListen + ", dataDir=" + dataDir
                + ", zone=" + zone + ", vipCidr=" + vipCidr + ", ttlSeconds=" + ttlSeconds
                + ", tcpIdleTimeout=" + tcpIdleTimeout + ", maxTcpConnections=" + maxTcpConnections
                + ", maxTcpConnectionsPerSource=" + maxTcpConnectionsPerSource + ", vip6Cidr=" + vip6Cidr
                + ", aaaaIpv4Mapped=" + aaaaIpv4Mapped + ", vipQuarantine=" + vipQuarantine + ", store=" + store
                + ", postgresUrl=" + PostgresUrl.mask(postgresUrl) + ", adminListen=" + adminListen
                + ", controlPlane=" + controlPlane + ", grpcListen=" + grpcListen + ", forward=" + forward
                + ", nameServer=" + nameServer + ", cookies=" + cookies + ", acceptStoreLoss=" + acceptStoreLoss
                + ", rateLimit=" + rateLimit + ", transport=" + transport.cliName() + ", udpThreads=" + udpThreads + "]";
    }

    /**
     * Collects settings, typed or as text; the text setters take what the command line gives
     * ({@code mesh-dns serve}'s flags, the only source of text today: there are no environment
     * variables or config file). A text value that does not parse is reported as written and leaves
     * the setting unset, so no other problem is derived from a stale default; {@link #build()}
     * lists those problems with all the others. Not thread-safe.
     */
    public static final class Builder {
        private final List<String> textProblems = new ArrayList<>();
        /** The settings of {@link #textProblems}: not also reported as missing. */
        private final Set<String> unparsed = new HashSet<>();
        private Path catalogFile;
        private InetSocketAddress dnsListen = HostPort.parse(DEFAULT_DNS_LISTEN);
        private Path dataDir = Path.of(DEFAULT_DATA_DIR);
        private String zone = DEFAULT_ZONE;
        private Cidr vipCidr;
        private boolean vipCidrSet;
        private int ttlSeconds = DEFAULT_TTL_SECONDS;
        private Duration tcpIdleTimeout = DEFAULT_TCP_IDLE_TIMEOUT;
        private int maxTcpConnections = DEFAULT_MAX_TCP_CONNECTIONS;
        private int maxTcpConnectionsPerSource = DEFAULT_MAX_TCP_CONNECTIONS_PER_SOURCE;
        private Cidr vip6Cidr;
        private boolean aaaaIpv4Mapped;
        private boolean acceptStoreLoss;
        private Duration vipQuarantine = DEFAULT_VIP_QUARANTINE;
        private StoreKind store = DEFAULT_STORE;
        private TransportChoice transport = DEFAULT_TRANSPORT;
        private int udpThreads;
        private String postgresUrl;
        private InetSocketAddress adminListen = HostPort.parse(DEFAULT_ADMIN_LISTEN, 9153);
        private String controlPlane;
        private boolean controlPlaneSet;
        private String nodeId;
        private Path controlPlaneCa;
        private Path controlPlaneCert;
        private Path controlPlaneKey;
        private InetSocketAddress grpcListen = HostPort.parse(DEFAULT_GRPC_LISTEN, 5678);
        private final List<InetSocketAddress> upstreams = new ArrayList<>();
        private Path upstreamResolvConf;
        private List<Cidr> recursionAllow = ForwardConfig.DEFAULT_RECURSION_ALLOW.stream().map(Cidr::parse).toList();
        private Duration forwardTimeout = Durations.parse(ForwardConfig.DEFAULT_TIMEOUT_TEXT);
        private Duration serveStale = Durations.parse(ForwardConfig.DEFAULT_SERVE_STALE_TEXT);
        private int cacheEntries = ForwardConfig.DEFAULT_CACHE_ENTRIES;
        private String nsName;
        private final List<InetAddress> nsAddresses = new ArrayList<>();
        private final List<byte[]> cookieSecrets = new ArrayList<>();
        private boolean cookieRequire;
        /** Forwarding settings given, which need an upstream. */
        private final List<String> forwardSettings = new ArrayList<>();
        private int rrlRate;
        private int rrlSlip = RateLimitConfig.DEFAULT_SLIP;
        private int rrlTableSize = RateLimitConfig.DEFAULT_TABLE_SIZE;
        /** Rate limiting settings given, which need a rate. */
        private final List<String> rrlSettings = new ArrayList<>();

        private Builder() {
        }

        public Builder catalogFile(Path value) {
            catalogFile = value;
            return this;
        }

        public Builder dnsListen(InetSocketAddress value) {
            dnsListen = value;
            return this;
        }

        /** {@code HOST:PORT}, {@code [IPv6]:PORT}; the host is resolved once, here. */
        public Builder dnsListen(String text) {
            dnsListen = parsed("dns-listen", () -> HostPort.parse(text));
            return this;
        }

        public Builder dataDir(Path value) {
            dataDir = value;
            return this;
        }

        public Builder zone(String value) {
            zone = value;
            return this;
        }

        public Builder vipCidr(Cidr value) {
            vipCidr = value;
            vipCidrSet = true;
            return this;
        }

        /** A block like {@code 240.0.0.0/4}. */
        public Builder vipCidr(String text) {
            vipCidrSet = true;
            vipCidr = parsed("vip-cidr", () -> cidr(text, text, "240.0.0.0/4"));
            return this;
        }

        public Builder ttlSeconds(int value) {
            ttlSeconds = value;
            return this;
        }

        /** A whole number of seconds. */
        public Builder ttlSeconds(String text) {
            try {
                ttlSeconds = Integer.parseInt(text == null ? "" : text.trim());
            } catch (NumberFormatException e) {
                unparsed("ttl", "ttl must be a whole number of seconds (got \"" + text + "\")");
            }
            return this;
        }

        public Builder tcpIdleTimeout(Duration value) {
            tcpIdleTimeout = value;
            return this;
        }

        public Builder maxTcpConnections(int value) {
            maxTcpConnections = value;
            return this;
        }

        public Builder maxTcpConnectionsPerSource(int value) {
            maxTcpConnectionsPerSource = value;
            return this;
        }

        /** The IPv6 pool; null for none (the default). */
        public Builder vip6Cidr(Cidr value) {
            vip6Cidr = value;
            return this;
        }

        /** A block like {@code fd00:fd00::/64}; null or blank for none. */
        public Builder vip6Cidr(String text) {
            vip6Cidr = text == null || text.isBlank() ? null
                    : parsed("vip6-cidr", () -> cidr(text.trim(), text, "fd00:fd00::/64"));
            return this;
        }

        public Builder aaaaIpv4Mapped(boolean value) {
            aaaaIpv4Mapped = value;
            return this;
        }

        /** {@code true} or {@code false}, any case. */
        public Builder aaaaIpv4Mapped(String text) {
            String value = text == null ? "" : text.trim();
            if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
                aaaaIpv4Mapped = Boolean.parseBoolean(value);
            } else {
                unparsed("aaaa-ipv4-mapped", "aaaa-ipv4-mapped must be true or false (got \"" + text + "\")");
            }
            return this;
        }

        public Builder acceptStoreLoss(boolean value) {
            acceptStoreLoss = value;
            return this;
        }

        /** {@code true} or {@code false}, any case; null for the default (false). */
        public Builder acceptStoreLoss(String text) {
            String value = text == null ? "false" : text.trim();
            if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
                acceptStoreLoss = Boolean.parseBoolean(value);
            } else {
                unparsed("accept-store-loss", "accept-store-loss must be true or false (got \"" + text + "\")");
            }
            return this;
        }

        public Builder vipQuarantine(Duration value) {
            vipQuarantine = value;
            return this;
        }

        /** Like {@code 90s}, {@code 15m}, {@code 1h}, {@code 2h30m}, {@code 1d}, {@code 0s} or {@code PT1H}. */
        public Builder vipQuarantine(String text) {
            vipQuarantine = parsed("vip-quarantine", () -> Durations.parse(text));
            return this;
        }

        public Builder store(StoreKind value) {
            store = value;
            return this;
        }

        /** {@code file} or {@code postgres}. */
        public Builder store(String text) {
            store = parsed("store", () -> StoreKind.parse(text));
            return this;
        }

        /** The socket transport of the DNS listeners; null for {@link #DEFAULT_TRANSPORT}. */
        public Builder transport(TransportChoice value) {
            transport = value;
            return this;
        }

        /** {@code auto}, {@code io_uring}, {@code epoll} or {@code nio}. */
        public Builder transport(String text) {
            transport = text == null ? DEFAULT_TRANSPORT : parsed("transport", () -> TransportChoice.parse(text));
            return this;
        }

        /** UDP sockets and event loops of a native transport; 0 for the default of this machine. */
        public Builder udpThreads(int value) {
            udpThreads = value;
            return this;
        }

        /** A whole number; null or {@code 0} for the default of this machine. */
        public Builder udpThreads(String text) {
            udpThreads = wholeNumber("udp-threads", text, udpThreads);
            return this;
        }

        /** Like {@code jdbc:postgresql://127.0.0.1:5432/meshdns?user=meshdns}; null or blank for none. */
        public Builder postgresUrl(String value) {
            postgresUrl = value == null || value.isBlank() ? null : value.trim();
            return this;
        }

        public Builder adminListen(InetSocketAddress value) {
            adminListen = value;
            return this;
        }

        /** {@code HOST:PORT}, {@code [IPv6]:PORT}; the host is resolved once, here. */
        public Builder adminListen(String text) {
            adminListen = parsed("admin-listen", () -> HostPort.parse(text, 9153));
            return this;
        }

        /** {@code HOST:PORT} of the xDS control plane; null or blank for none. Not resolved here. */
        public Builder controlPlane(String text) {
            controlPlaneSet = text != null && !text.isBlank();
            controlPlane = controlPlaneSet ? parsed("control-plane", () -> HostPort.target(text, 18000)) : null;
            return this;
        }

        /** The xDS node id; null for the default, this machine's host name. */
        public Builder nodeId(String value) {
            nodeId = value;
            return this;
        }

        /** PEM trust roots for the control plane's certificate (TLS); null for none. */
        public Builder controlPlaneCa(Path value) {
            controlPlaneCa = value;
            return this;
        }

        /** PEM client certificate chain for mutual TLS; null for none. */
        public Builder controlPlaneCert(Path value) {
            controlPlaneCert = value;
            return this;
        }

        /** PEM private key of the client certificate; null for none. */
        public Builder controlPlaneKey(Path value) {
            controlPlaneKey = value;
            return this;
        }

        public Builder grpcListen(InetSocketAddress value) {
            grpcListen = value;
            return this;
        }

        /** {@code HOST:PORT}, {@code [IPv6]:PORT}; the host is resolved once, here. */
        public Builder grpcListen(String text) {
            grpcListen = parsed("grpc-listen", () -> HostPort.parse(text, 5678));
            return this;
        }

        /** An upstream DNS server, added after those before it in the preference order. */
        public Builder upstream(InetSocketAddress value) {
            upstreams.add(value);
            return this;
        }

        /** Upstreams as IP literals with optional ports ({@code 10.96.0.10}, {@code [fd00::10]:53}); null for none. */
        public Builder upstreams(List<String> texts) {
            if (texts != null) {
                for (String text : texts) {
                    InetSocketAddress upstream = parsed("upstream", () -> HostPort.upstream(text));
                    if (upstream != null) {
                        upstreams.add(upstream);
                    }
                }
            }
            return this;
        }

        /** A resolv.conf whose nameservers are the upstreams; null for none. */
        public Builder upstreamResolvConf(Path value) {
            upstreamResolvConf = value;
            return this;
        }

        /** Client blocks that may recurse; null keeps the default (loopback). */
        public Builder recursionAllow(List<String> texts) {
            if (texts != null) {
                forwardSettings.add("recursion-allow");
                recursionAllow = texts.stream().map(text -> parsed("recursion-allow",
                        () -> cidr(text == null ? "" : text.trim(), text, "10.0.0.0/8"))).filter(c -> c != null).toList();
            }
            return this;
        }

        /** Like {@code 2s} or {@code 500ms}; null keeps the default. */
        public Builder forwardTimeout(String text) {
            if (text != null) {
                forwardSettings.add("forward-timeout");
                forwardTimeout = parsed("forward-timeout", () -> Durations.parse(text));
            }
            return this;
        }

        /** Like {@code 1h}, {@code 0s} for off; null keeps the default. */
        public Builder serveStale(String text) {
            if (text != null) {
                forwardSettings.add("serve-stale");
                serveStale = parsed("serve-stale", () -> Durations.parse(text));
            }
            return this;
        }

        /** A whole number, 0 for no cache; null keeps the default. */
        public Builder cacheEntries(String text) {
            if (text != null) {
                forwardSettings.add("cache-entries");
                try {
                    cacheEntries = Integer.parseInt(text.trim());
                } catch (NumberFormatException e) {
                    unparsed("cache-entries", "cache-entries must be a whole number (got \"" + text + "\")");
                }
            }
            return this;
        }

        /** The apex NS host name, e.g. {@code ns1.example.com}; null or blank for {@code ns.dns.<zone>}. */
        public Builder nsName(String text) {
            nsName = text == null || text.isBlank() ? null : text.trim();
            return this;
        }

        /** The NS host's addresses as IP literals; null or empty for the --dns-listen address. */
        public Builder nsAddresses(List<String> texts) {
            if (texts != null) {
                for (String text : texts) {
                    String value = text == null ? "" : text.trim();
                    InetAddress address = IpLiterals.ipv4(value).map(InetAddress.class::cast)
                            .or(() -> IpLiterals.ipv6(value)).orElse(null);
                    if (address == null) {
                        unparsed("ns-address", "ns-address must be an IPv4 or IPv6 address like 10.96.0.53 (got \""
                                + text + "\")");
                    } else {
                        nsAddresses.add(address);
                    }
                }
            }
            return this;
        }

        /** Cookie secrets of 32 hex digits, the current one first; null or empty for a random one per start. */
        public Builder cookieSecrets(List<String> texts) {
            if (texts != null) {
                for (String text : texts) {
                    byte[] secret = parsed("cookie-secret", () -> CookieConfig.parseSecret(text));
                    if (secret != null) {
                        cookieSecrets.add(secret);
                    }
                }
            }
            return this;
        }

        public Builder cookieRequire(boolean value) {
            cookieRequire = value;
            return this;
        }

        /** {@code true} or {@code false}, any case; null keeps the default (false). */
        public Builder cookieRequire(String text) {
            String value = text == null ? "false" : text.trim();
            if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
                cookieRequire = Boolean.parseBoolean(value);
            } else {
                unparsed("cookie-require", "cookie-require must be true or false (got \"" + text + "\")");
            }
            return this;
        }

        public Builder rateLimit(RateLimitConfig value) {
            rrlRate = value.ratePerSecond();
            rrlSlip = value.slip();
            rrlTableSize = value.tableSize();
            return this;
        }

        /** Replies per second per client prefix, 0 for off; null keeps the default (off). */
        public Builder rrlRate(String text) {
            rrlRate = wholeNumber("rrl-rate", text, rrlRate);
            return this;
        }

        /** Every Nth limited reply sent truncated, 0 for none; null keeps the default. */
        public Builder rrlSlip(String text) {
            if (text != null) {
                rrlSettings.add("rrl-slip");
            }
            rrlSlip = wholeNumber("rrl-slip", text, rrlSlip);
            return this;
        }

        /** Buckets of the rate limit table; null keeps the default. */
        public Builder rrlTableSize(String text) {
            if (text != null) {
                rrlSettings.add("rrl-table-size");
            }
            rrlTableSize = wholeNumber("rrl-table-size", text, rrlTableSize);
            return this;
        }

        /** {@code text} as a whole number, {@code otherwise} for null; a problem when it does not parse. */
        private int wholeNumber(String setting, String text, int otherwise) {
            if (text == null) {
                return otherwise;
            }
            try {
                return Integer.parseInt(text.trim());
            } catch (NumberFormatException e) {
                unparsed(setting, setting + " must be a whole number (got \"" + text + "\")");
                return otherwise;
            }
        }

        /**
         * The config, or {@link InvalidConfigException} listing every problem found: first those of
         * text that did not parse and of control-plane flags without {@code --control-plane}, then
         * those of the values.
         */
        public ServerConfig build() {
            if (!vipCidrSet) {
                vipCidr(DEFAULT_VIP_CIDR);
            }
            List<String> problems = new ArrayList<>(textProblems);
            ControlPlaneConfig plane = controlPlaneConfig(problems);
            ForwardConfig forward = new ForwardConfig(upstreams, upstreamResolvConf, recursionAllow, forwardTimeout,
                    serveStale, cacheEntries);
            if (!forward.enabled() && !unparsed.contains("upstream")) {
                forwardSettings.forEach(setting -> problems.add(setting
                        + " is only used with --upstream or --upstream-resolv-conf"));
            }
            NameServerConfig nameServer = new NameServerConfig(nsName, nsAddresses);
            CookieConfig cookies = new CookieConfig(cookieSecrets, cookieRequire);
            RateLimitConfig rateLimit = new RateLimitConfig(rrlRate, rrlSlip, rrlTableSize);
            if (rrlRate == 0 && !unparsed.contains("rrl-rate")) {
                rrlSettings.forEach(setting -> problems.add(setting + " is only used with --rrl-rate"));
            }
            if (problems.isEmpty()) {
                return new ServerConfig(catalogFile, dnsListen, dataDir, zone, vipCidr, ttlSeconds, tcpIdleTimeout,
                        maxTcpConnections, maxTcpConnectionsPerSource, vip6Cidr, aaaaIpv4Mapped, vipQuarantine,
                        store, postgresUrl, adminListen, plane, grpcListen, forward, nameServer, cookies,
                        acceptStoreLoss, rateLimit, transport, udpThreads); // its constructor checks the rest
            }
            problems.addAll(ServerConfigProblems.of(catalogFile, dnsListen, dataDir, zone, vipCidr, ttlSeconds,
                    tcpIdleTimeout, maxTcpConnections, maxTcpConnectionsPerSource, vip6Cidr, vipQuarantine, store,
                    postgresUrl, adminListen, plane, grpcListen, forward, rateLimit, unparsed));
            NameServerConfig.problems(nameServer, zone, unparsed, problems);
            CookieConfig.problems(cookies, unparsed, problems);
            ServerConfigProblems.acceptStoreLoss(acceptStoreLoss, store).ifPresent(problems::add);
            if (!unparsed.contains("udp-threads")) {
                ServerConfigProblems.udpThreads(udpThreads).ifPresent(problems::add);
            }
            throw new InvalidConfigException(problems);
        }

        /** The parsed value, or null after reporting "{@code setting} reason" when the text does not parse. */
        private <T> T parsed(String setting, Supplier<T> parse) {
            try {
                return parse.get();
            } catch (IllegalArgumentException e) {
                unparsed(setting, setting + " " + e.getMessage());
                return null;
            }
        }

        private void unparsed(String setting, String problem) {
            textProblems.add(problem);
            unparsed.add(setting);
        }

        /** {@code text} as a block; the message of a bad one shows {@code given} and the example. */
        private static Cidr cidr(String text, String given, String example) {
            try {
                return Cidr.parse(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("must be a block like " + example + " (got \"" + given + "\"): "
                        + e.getMessage(), e);
            }
        }

        private ControlPlaneConfig controlPlaneConfig(List<String> problems) {
            if (controlPlaneSet) {
                return new ControlPlaneConfig(controlPlane, nodeId == null ? defaultNodeId() : nodeId.trim(),
                        controlPlaneCa, controlPlaneCert, controlPlaneKey);
            }
            String[] flags = {"node-id", "control-plane-ca", "control-plane-cert", "control-plane-key"};
            Object[] values = {nodeId, controlPlaneCa, controlPlaneCert, controlPlaneKey};
            for (int i = 0; i < flags.length; i++) {
                if (values[i] != null) {
                    problems.add(flags[i] + " is only used with --control-plane (got " + values[i] + ")");
                }
            }
            return null;
        }

        /** This machine's host name, as xDS clients usually introduce themselves. */
        static String defaultNodeId() {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                String env = System.getenv("HOSTNAME");
                return env == null || env.isBlank() ? "mesh-dns" : env;
            }
        }
    }
}
