package dev.meshdns.config;

import dev.meshdns.catalog.DnsNames;
import dev.meshdns.vip.Cidr;
import dev.meshdns.vip.store.PostgresUrl;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The checks of a {@link ServerConfig}: every problem of its settings at once, each named like the
 * CLI flag and saying what was given. A setting named in {@code unparsed} had text that did not
 * parse (already reported by the builder), so it is not also called missing. Stateless.
 */
final class ServerConfigProblems {
    private ServerConfigProblems() {
    }

    /** The problems in the order of the settings; empty when the config is valid. */
    static List<String> of(Path catalogFile, InetSocketAddress dnsListen, Path dataDir, String zone, Cidr vipCidr,
                           int ttlSeconds, Duration tcpIdleTimeout, int maxTcpConnections,
                           int maxTcpConnectionsPerSource, Cidr vip6Cidr, Duration vipQuarantine, StoreKind store,
                           String postgresUrl, InetSocketAddress adminListen, ControlPlaneConfig controlPlane,
                           InetSocketAddress grpcListen, ForwardConfig forward, RateLimitConfig rateLimit,
                           Set<String> unparsed) {
        List<String> problems = new ArrayList<>();
        if (catalogFile == null && controlPlane == null) {
            problems.add("catalog-file or control-plane is required (the catalog YAML with a \"services:\" list, "
                    + "or the xDS control plane's HOST:PORT)");
        } else if (catalogFile != null && Files.isDirectory(catalogFile)) {
            problems.add("catalog-file must be a file, not a directory (got " + catalogFile + ")");
        }
        if (present("dns-listen", dnsListen, unparsed, problems) && dnsListen.isUnresolved()) {
            problems.add("dns-listen host is not an address of this machine (got " + dnsListen.getHostString() + ")");
        }
        if (present("data-dir", dataDir, unparsed, problems) && Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
            problems.add("data-dir must be a directory (got the file " + dataDir + ")");
        } else if (dataDir != null && (store == StoreKind.FILE || controlPlane != null)) {
            dataDirProblem(dataDir).ifPresent(problems::add);
        }
        if (present("zone", zone, unparsed, problems)) {
            DnsNames.nameProblem(zone).ifPresent(problem -> problems.add("zone " + problem));
        }
        if (present("vip-cidr", vipCidr, unparsed, problems) && !(vipCidr.network() instanceof Inet4Address)) {
            problems.add("vip-cidr must be an IPv4 block like 240.0.0.0/4 (got " + vipCidr + ")");
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
            problems.add("vip6-cidr must be an IPv6 block like fd00:fd00::/64 (got " + vip6Cidr + ")");
        }
        if (present("vip-quarantine", vipQuarantine, unparsed, problems) && vipQuarantine.isNegative()) {
            problems.add("vip-quarantine must not be negative (got " + vipQuarantine + ")");
        }
        storeProblems(store, postgresUrl, unparsed, problems);
        boolean admin = listenProblems("admin-listen", adminListen, unparsed, problems);
        clash("admin-listen", adminListen, "dns-listen", dnsListen, problems);
        if (controlPlane != null) {
            ControlPlaneConfig.problems(controlPlane, unparsed, problems);
        }
        if (listenProblems("grpc-listen", grpcListen, unparsed, problems)) {
            clash("grpc-listen", grpcListen, "dns-listen", dnsListen, problems);
            if (admin) {
                clash("grpc-listen", grpcListen, "admin-listen", adminListen, problems);
            }
        }
        ForwardConfig.problems(forward, unparsed, problems);
        RateLimitConfig.problems(rateLimit, problems);
        if (dnsListen != null && !dnsListen.isUnresolved()) {
            for (InetSocketAddress upstream : forward.upstreams()) {
                if (upstream.getPort() == dnsListen.getPort() && (upstream.getAddress().equals(dnsListen.getAddress())
                        || dnsListen.getAddress().isAnyLocalAddress() && upstream.getAddress().isLoopbackAddress())) {
                    problems.add("upstream must not be mesh-dns itself (got " + HostPort.text(upstream)
                            + ", the --dns-listen address): its queries would come back to it");
                }
            }
        }
        return problems;
    }

    /**
     * True when the value is there; otherwise adds "{@code setting} is required" unless the
     * setting's text did not parse (that problem is already listed).
     */
    static boolean present(String setting, Object value, Set<String> unparsed, List<String> problems) {
        if (value == null && !unparsed.contains(setting)) {
            problems.add(setting + " is required");
        }
        return value != null;
    }

    /**
     * Why {@code dataDir} cannot be written or created, checked up front: opening the store later
     * would fail with a bare {@code AccessDeniedException} naming a path, not the flag.
     */
    static Optional<String> dataDirProblem(Path dataDir) {
        Path existing = dataDir.toAbsolutePath().normalize();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return Optional.empty();
        }
        boolean itself = existing.equals(dataDir.toAbsolutePath().normalize());
        if (!itself && !Files.isDirectory(existing)) {
            return Optional.of("data-dir cannot be created: " + existing + " is a file (got " + dataDir + ")");
        }
        if (!Files.isWritable(existing)) {
            return Optional.of(itself ? "data-dir is not writable by the user mesh-dns runs as (got " + dataDir + ")"
                    : "data-dir cannot be created: " + existing + " is not writable by the user mesh-dns runs as"
                    + " (got " + dataDir + ")");
        }
        return Optional.empty();
    }

    /** {@code --accept-store-loss} is about the file store's files only. */
    static Optional<String> acceptStoreLoss(boolean accept, StoreKind store) {
        if (accept && store != null && store != StoreKind.FILE) {
            return Optional.of("accept-store-loss is only used with --store file (got --store " + store.cliName()
                    + "; PostgreSQL keeps its own integrity)");
        }
        return Optional.empty();
    }

    /** {@code --udp-threads}: 0 (the machine's default) up to {@link ServerConfig#MAX_UDP_THREADS}. */
    static Optional<String> udpThreads(int threads) {
        if (threads < 0 || threads > ServerConfig.MAX_UDP_THREADS) {
            return Optional.of("udp-threads must be from 0 (one per two cores) to " + ServerConfig.MAX_UDP_THREADS
                    + " (got " + threads + ")");
        }
        return Optional.empty();
    }

    private static void storeProblems(StoreKind store, String postgresUrl, Set<String> unparsed,
                                      List<String> problems) {
        present("store", store, unparsed, problems);
        if (postgresUrl == null || postgresUrl.isBlank()) {
            if (store == StoreKind.POSTGRES) {
                problems.add("postgres-url is required with --store postgres (e.g. "
                        + ServerConfig.POSTGRES_URL_EXAMPLE + ")");
            }
            return;
        }
        if (store != null && store != StoreKind.POSTGRES) {
            problems.add("postgres-url is only used with --store postgres (got --store " + store.cliName() + ")");
        }
        if (!postgresUrl.startsWith(ServerConfig.POSTGRES_URL_PREFIX)) {
            problems.add("postgres-url must start with " + ServerConfig.POSTGRES_URL_PREFIX + ", e.g. "
                    + ServerConfig.POSTGRES_URL_EXAMPLE + " (got \"" + PostgresUrl.mask(postgresUrl) + "\")");
        }
    }

    /** Reports a missing or unresolved address; true when it is a usable one. */
    private static boolean listenProblems(String flag, InetSocketAddress address, Set<String> unparsed,
                                          List<String> problems) {
        if (!present(flag, address, unparsed, problems)) {
            return false;
        }
        if (address.isUnresolved()) {
            problems.add(flag + " host is not an address of this machine (got " + address.getHostString() + ")");
            return false;
        }
        return true;
    }

    /** Reports {@code address} taking the port of {@code other} on the same address. */
    private static void clash(String flag, InetSocketAddress address, String otherFlag, InetSocketAddress other,
                              List<String> problems) {
        if (address == null || address.isUnresolved() || other == null || other.isUnresolved()
                || address.getPort() == 0 || address.getPort() != other.getPort()) {
            return;
        }
        // A wildcard address (0.0.0.0, ::) takes the port on every address, so it collides too.
        if (address.getAddress().equals(other.getAddress()) || address.getAddress().isAnyLocalAddress()
                || other.getAddress().isAnyLocalAddress()) {
            problems.add(flag + " must use another port than " + otherFlag + " on the same address (" + flag + " "
                    + HostPort.text(address) + ", " + otherFlag + " " + HostPort.text(other) + ")");
        }
    }
}
