package dev.meshdns.config;

import dev.meshdns.catalog.DnsNames;
import dev.meshdns.vip.Cidr;
import dev.meshdns.vip.store.PostgresUrl;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything the server needs to start. Valid by construction: the constructor (and
 * {@link Builder#build()}) throws {@link InvalidConfigException} listing every problem at once.
 * Problems are named like the CLI flags ({@code dns-listen}, {@code vip-cidr}). Immutable.
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
 */
public record ServerConfig(Path catalogFile, InetSocketAddress dnsListen, Path dataDir, String zone, Cidr vipCidr,
                           int ttlSeconds, Duration tcpIdleTimeout, int maxTcpConnections,
                           int maxTcpConnectionsPerSource, Cidr vip6Cidr, boolean aaaaIpv4Mapped,
                           Duration vipQuarantine, StoreKind store, String postgresUrl,
                           InetSocketAddress adminListen, ControlPlaneConfig controlPlane,
                           InetSocketAddress grpcListen) {
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
    /** On the command line; must be a constant expression for picocli. */
    public static final String DEFAULT_STORE_TEXT = "file";
    public static final String DEFAULT_ADMIN_LISTEN = "127.0.0.1:9153";
    public static final String DEFAULT_GRPC_LISTEN = "127.0.0.1:5678";
    public static final String POSTGRES_URL_PREFIX = "jdbc:postgresql://";
    public static final String POSTGRES_URL_EXAMPLE = "jdbc:postgresql://127.0.0.1:5432/meshdns?user=meshdns";

    public ServerConfig {
        List<String> problems = problems(catalogFile, dnsListen, dataDir, zone, vipCidr, ttlSeconds,
                tcpIdleTimeout, maxTcpConnections, maxTcpConnectionsPerSource, vip6Cidr, vipQuarantine, store,
                postgresUrl, adminListen, controlPlane, grpcListen);
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(problems);
        }
        zone = DnsNames.normalize(zone);
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
                + ", controlPlane=" + controlPlane + ", grpcListen=" + grpcListen + "]";
    }

    static List<String> problems(Path catalogFile, InetSocketAddress dnsListen, Path dataDir, String zone,
                                 Cidr vipCidr, int ttlSeconds, Duration tcpIdleTimeout, int maxTcpConnections,
                                 int maxTcpConnectionsPerSource, Cidr vip6Cidr, Duration vipQuarantine,
                                 StoreKind store, String postgresUrl, InetSocketAddress adminListen,
                                 ControlPlaneConfig controlPlane, InetSocketAddress grpcListen) {
        List<String> problems = new ArrayList<>();
        if (catalogFile == null && controlPlane == null) {
            problems.add("catalog-file or control-plane is required (the catalog YAML with a \"services:\" list, "
                    + "or the xDS control plane's HOST:PORT)");
        } else if (catalogFile != null && Files.isDirectory(catalogFile)) {
            problems.add("catalog-file must be a file, not a directory (got " + catalogFile + ")");
        }
        if (dnsListen == null) {
            problems.add("dns-listen is required");
        } else if (dnsListen.isUnresolved()) {
            problems.add("dns-listen host is not an address of this machine (got " + dnsListen.getHostString() + ")");
        }
        if (dataDir == null) {
            problems.add("data-dir is required");
        } else if (Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
            problems.add("data-dir must be a directory (got the file " + dataDir + ")");
        }
        zoneProblem(zone, problems);
        if (vipCidr == null) {
            problems.add("vip-cidr is required");
        } else if (!(vipCidr.network() instanceof Inet4Address)) {
            problems.add("vip-cidr must be an IPv4 block like 240.0.0.0/4 (got "
                    + vipCidr.network().getHostAddress() + "/" + vipCidr.prefixLength() + ")");
        }
        if (ttlSeconds < 0) {
            problems.add("ttl must be 0 or more seconds (got " + ttlSeconds + ")");
        }
        if (tcpIdleTimeout == null || tcpIdleTimeout.isNegative() || tcpIdleTimeout.isZero()) {
            problems.add("tcp-idle-timeout must be positive (got " + tcpIdleTimeout + ")");
        }
        if (maxTcpConnections < 1) {
            problems.add("max-tcp-connections must be at least 1 (got " + maxTcpConnections + ")");
        }
        if (maxTcpConnectionsPerSource < 1 || maxTcpConnectionsPerSource > Math.max(1, maxTcpConnections)) {
            problems.add("max-tcp-connections-per-source must be from 1 to max-tcp-connections ("
                    + maxTcpConnections + ") (got " + maxTcpConnectionsPerSource + ")");
        }
        if (vip6Cidr != null && !(vip6Cidr.network() instanceof Inet6Address)) {
            problems.add("vip6-cidr must be an IPv6 block like fd00:fd00::/64 (got "
                    + vip6Cidr.network().getHostAddress() + "/" + vip6Cidr.prefixLength() + ")");
        }
        if (vipQuarantine == null) {
            problems.add("vip-quarantine is required");
        } else if (vipQuarantine.isNegative()) {
            problems.add("vip-quarantine must not be negative (got " + vipQuarantine + ")");
        }
        storeProblems(store, postgresUrl, problems);
        listenProblems("admin-listen", adminListen, "dns-listen", dnsListen, problems);
        if (controlPlane != null) {
            ControlPlaneConfig.problems(controlPlane, problems);
        }
        listenProblems("grpc-listen", grpcListen, "dns-listen", dnsListen, problems);
        if (adminListen != null && !adminListen.isUnresolved()) {
            listenProblems("grpc-listen", grpcListen, "admin-listen", adminListen, new ArrayList<>(), problems);
        }
        return problems;
    }

    private static void storeProblems(StoreKind store, String postgresUrl, List<String> problems) {
        if (store == null) {
            problems.add("store is required");
        }
        if (postgresUrl == null || postgresUrl.isBlank()) {
            if (store == StoreKind.POSTGRES) {
                problems.add("postgres-url is required with --store postgres (e.g. " + POSTGRES_URL_EXAMPLE + ")");
            }
            return;
        }
        if (store != null && store != StoreKind.POSTGRES) {
            problems.add("postgres-url is only used with --store postgres (got --store " + store.cliName() + ")");
        }
        if (!postgresUrl.startsWith(POSTGRES_URL_PREFIX)) {
            problems.add("postgres-url must start with " + POSTGRES_URL_PREFIX + ", e.g. " + POSTGRES_URL_EXAMPLE
                    + " (got \"" + PostgresUrl.mask(postgresUrl) + "\")");
        }
    }

    private static void listenProblems(String flag, InetSocketAddress address, String otherFlag,
                                       InetSocketAddress other, List<String> problems) {
        listenProblems(flag, address, otherFlag, other, problems, problems);
    }

    /** Reports a missing or unresolved address to {@code own}, a port clash with {@code other} to {@code clashes}. */
    private static void listenProblems(String flag, InetSocketAddress address, String otherFlag,
                                       InetSocketAddress other, List<String> own, List<String> clashes) {
        if (address == null) {
            own.add(flag + " is required");
            return;
        }
        if (address.isUnresolved()) {
            own.add(flag + " host is not an address of this machine (got " + address.getHostString() + ")");
            return;
        }
        if (other == null || other.isUnresolved() || address.getPort() == 0 || address.getPort() != other.getPort()) {
            return;
        }
        // A wildcard address (0.0.0.0, ::) takes the port on every address, so it collides too.
        if (address.getAddress().equals(other.getAddress()) || address.getAddress().isAnyLocalAddress()
                || other.getAddress().isAnyLocalAddress()) {
            clashes.add(flag + " must use another port than " + otherFlag + " on the same address (" + flag + " "
                    + text(address) + ", " + otherFlag + " " + text(other) + ")");
        }
    }

    private static String text(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    private static void zoneProblem(String zone, List<String> problems) {
        if (zone == null) {
            problems.add("zone is required");
            return;
        }
        DnsNames.nameProblem(zone).ifPresent(problem -> problems.add("zone " + problem));
    }

    /**
     * Collects settings, typed or as text (flags, later environment variables and files), and
     * reports every problem of both kinds together in {@link #build()}. A text value that does
     * not parse is reported as written and leaves the setting unset, so no other problem is
     * derived from a stale default. Not thread-safe.
     */
    public static final class Builder {
        private final List<String> textProblems = new ArrayList<>();
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
        private Duration vipQuarantine = DEFAULT_VIP_QUARANTINE;
        private StoreKind store = DEFAULT_STORE;
        private String postgresUrl;
        private InetSocketAddress adminListen = HostPort.parse(DEFAULT_ADMIN_LISTEN, 9153);
        private String controlPlane;
        private boolean controlPlaneSet;
        private String nodeId;
        private Path controlPlaneCa;
        private Path controlPlaneCert;
        private Path controlPlaneKey;
        private InetSocketAddress grpcListen = HostPort.parse(DEFAULT_GRPC_LISTEN, 5678);

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
            try {
                dnsListen = HostPort.parse(text);
            } catch (IllegalArgumentException e) {
                dnsListen = null;
                textProblems.add("dns-listen " + e.getMessage());
            }
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
            try {
                vipCidr = Cidr.parse(text);
            } catch (IllegalArgumentException e) {
                vipCidr = null;
                textProblems.add("vip-cidr must be a block like 240.0.0.0/4 (got \"" + text + "\"): "
                        + e.getMessage());
            }
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
                textProblems.add("ttl must be a whole number of seconds (got \"" + text + "\")");
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
            vip6Cidr = null;
            if (text == null || text.isBlank()) {
                return this;
            }
            try {
                vip6Cidr = Cidr.parse(text.trim());
            } catch (IllegalArgumentException e) {
                textProblems.add("vip6-cidr must be a block like fd00:fd00::/64 (got \"" + text + "\"): "
                        + e.getMessage());
            }
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
                textProblems.add("aaaa-ipv4-mapped must be true or false (got \"" + text + "\")");
            }
            return this;
        }

        public Builder vipQuarantine(Duration value) {
            vipQuarantine = value;
            return this;
        }

        /** Like {@code 90s}, {@code 15m}, {@code 1h}, {@code 2h30m}, {@code 1d}, {@code 0s} or {@code PT1H}. */
        public Builder vipQuarantine(String text) {
            try {
                vipQuarantine = Durations.parse(text);
            } catch (IllegalArgumentException e) {
                vipQuarantine = null;
                textProblems.add("vip-quarantine " + e.getMessage());
            }
            return this;
        }

        public Builder store(StoreKind value) {
            store = value;
            return this;
        }

        /** {@code file} or {@code postgres}. */
        public Builder store(String text) {
            try {
                store = StoreKind.parse(text);
            } catch (IllegalArgumentException e) {
                store = null;
                textProblems.add("store " + e.getMessage());
            }
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
            try {
                adminListen = HostPort.parse(text, 9153);
            } catch (IllegalArgumentException e) {
                adminListen = null;
                textProblems.add("admin-listen " + e.getMessage());
            }
            return this;
        }

        /** {@code HOST:PORT} of the xDS control plane; null or blank for none. Not resolved here. */
        public Builder controlPlane(String text) {
            controlPlane = null;
            controlPlaneSet = text != null && !text.isBlank();
            if (!controlPlaneSet) {
                return this;
            }
            try {
                controlPlane = HostPort.target(text, 18000);
            } catch (IllegalArgumentException e) {
                textProblems.add("control-plane " + e.getMessage());
            }
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
            try {
                grpcListen = HostPort.parse(text, 5678);
            } catch (IllegalArgumentException e) {
                grpcListen = null;
                textProblems.add("grpc-listen " + e.getMessage());
            }
            return this;
        }

        /** The config, or {@link InvalidConfigException} listing every problem found. */
        public ServerConfig build() {
            if (!vipCidrSet) {
                vipCidr(DEFAULT_VIP_CIDR);
            }
            List<String> problems = new ArrayList<>(textProblems);
            ControlPlaneConfig plane = controlPlaneConfig(problems);
            for (String problem : problems(catalogFile, dnsListen, dataDir, zone, vipCidr, ttlSeconds,
                    tcpIdleTimeout, maxTcpConnections, maxTcpConnectionsPerSource, vip6Cidr, vipQuarantine, store,
                    postgresUrl, adminListen, plane, grpcListen)) {
                // A value that failed to parse is already reported; don't also call it missing.
                if (!(problem.endsWith(" is required") && startsLikeAny(problem, textProblems))) {
                    problems.add(problem);
                }
            }
            if (!problems.isEmpty()) {
                throw new InvalidConfigException(problems);
            }
            return new ServerConfig(catalogFile, dnsListen, dataDir, zone, vipCidr, ttlSeconds, tcpIdleTimeout,
                    maxTcpConnections, maxTcpConnectionsPerSource, vip6Cidr, aaaaIpv4Mapped, vipQuarantine, store,
                    postgresUrl, adminListen, plane, grpcListen);
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

        private static boolean startsLikeAny(String problem, List<String> others) {
            String key = problem.substring(0, problem.indexOf(' '));
            return others.stream().anyMatch(other -> other.startsWith(key + " "));
        }
    }
}
