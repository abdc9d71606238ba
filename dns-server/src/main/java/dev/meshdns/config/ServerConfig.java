package dev.meshdns.config;

import dev.meshdns.catalog.DnsNames;
import dev.meshdns.vip.Cidr;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
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
 * @param catalogFile                the catalog YAML; watched, and waited for when missing
 * @param dnsListen                  UDP and TCP address; port 0 picks a free port
 * @param dataDir                    where the file VIP store keeps its journal
 * @param zone                       the authoritative zone, lower case, no trailing dot
 * @param vipCidr                    the IPv4 VIP pool
 * @param ttlSeconds                 TTL of the answers
 * @param tcpIdleTimeout             a TCP connection without a complete query for this long is closed
 * @param maxTcpConnections          open TCP connections at most
 * @param maxTcpConnectionsPerSource open TCP connections at most per client address
 */
public record ServerConfig(Path catalogFile, InetSocketAddress dnsListen, Path dataDir, String zone, Cidr vipCidr,
                           int ttlSeconds, Duration tcpIdleTimeout, int maxTcpConnections,
                           int maxTcpConnectionsPerSource) {
    public static final String DEFAULT_DNS_LISTEN = "127.0.0.1:5653";
    public static final String DEFAULT_DATA_DIR = "./data";
    public static final String DEFAULT_ZONE = "mesh";
    public static final String DEFAULT_VIP_CIDR = "240.0.0.0/4";
    public static final int DEFAULT_TTL_SECONDS = 30;
    public static final Duration DEFAULT_TCP_IDLE_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_TCP_CONNECTIONS = 150;
    public static final int DEFAULT_MAX_TCP_CONNECTIONS_PER_SOURCE = 50;

    public ServerConfig {
        List<String> problems = problems(catalogFile, dnsListen, dataDir, zone, vipCidr, ttlSeconds,
                tcpIdleTimeout, maxTcpConnections, maxTcpConnectionsPerSource);
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(problems);
        }
        zone = DnsNames.normalize(zone);
    }

    /** A builder starting from the defaults; only the catalog file has none. */
    public static Builder builder() {
        return new Builder();
    }

    static List<String> problems(Path catalogFile, InetSocketAddress dnsListen, Path dataDir, String zone,
                                 Cidr vipCidr, int ttlSeconds, Duration tcpIdleTimeout, int maxTcpConnections,
                                 int maxTcpConnectionsPerSource) {
        List<String> problems = new ArrayList<>();
        if (catalogFile == null) {
            problems.add("catalog-file is required (the catalog YAML with a \"services:\" list)");
        } else if (Files.isDirectory(catalogFile)) {
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
        return problems;
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
     * reports every problem of both kinds together in {@link #build()}. Not thread-safe.
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
                ttlSeconds = Integer.parseInt(text.trim());
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

        /** The config, or {@link InvalidConfigException} listing every problem found. */
        public ServerConfig build() {
            if (!vipCidrSet) {
                vipCidr(DEFAULT_VIP_CIDR);
            }
            List<String> problems = new ArrayList<>(textProblems);
            for (String problem : problems(catalogFile, dnsListen, dataDir, zone, vipCidr, ttlSeconds,
                    tcpIdleTimeout, maxTcpConnections, maxTcpConnectionsPerSource)) {
                // A value that failed to parse is already reported; don't also call it missing.
                if (!(problem.endsWith(" is required") && startsLikeAny(problem, textProblems))) {
                    problems.add(problem);
                }
            }
            if (!problems.isEmpty()) {
                throw new InvalidConfigException(problems);
            }
            return new ServerConfig(catalogFile, dnsListen, dataDir, zone, vipCidr, ttlSeconds, tcpIdleTimeout,
                    maxTcpConnections, maxTcpConnectionsPerSource);
        }

        private static boolean startsLikeAny(String problem, List<String> others) {
            String key = problem.substring(0, problem.indexOf(' '));
            return others.stream().anyMatch(other -> other.startsWith(key + " "));
        }
    }
}
