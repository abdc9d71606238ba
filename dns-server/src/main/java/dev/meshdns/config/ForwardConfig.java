package dev.meshdns.config;

import dev.meshdns.vip.Cidr;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Forwarding of names outside the zone: the upstreams (given, or the nameservers of a resolv.conf),
 * who may recurse, the deadline, the serve-stale window and the cache size. Off (names outside the
 * zone REFUSED) when no upstream is configured. Part of {@link ServerConfig}, validated with it.
 * Immutable.
 *
 * @param upstreams      upstream servers in preference order; may be empty with {@code resolvConf}
 * @param resolvConf     a resolv.conf whose {@code nameserver} lines are the upstreams (re-read when it
 *                       changes), or null
 * @param recursionAllow clients allowed to have names outside the zone resolved
 * @param timeout        the whole forward's deadline; SERVFAIL (or a stale answer) after it
 * @param serveStale     how long past its TTL an answer may be served when upstreams fail; zero: never
 * @param cacheEntries   size bound of the answer cache; 0: no cache
 */
public record ForwardConfig(List<InetSocketAddress> upstreams, Path resolvConf, List<Cidr> recursionAllow,
                            Duration timeout, Duration serveStale, int cacheEntries) {
    public static final List<String> DEFAULT_RECURSION_ALLOW = List.of("127.0.0.0/8", "::1/128");
    public static final String DEFAULT_TIMEOUT_TEXT = "2s";
    public static final String DEFAULT_SERVE_STALE_TEXT = "1h";
    public static final int DEFAULT_CACHE_ENTRIES = 100_000;
    /** Longer than any client waits; a longer deadline only ties up outstanding queries. */
    private static final Duration MAX_TIMEOUT = Duration.ofSeconds(30);

    /** No forwarding: names outside the zone are REFUSED. */
    public static final ForwardConfig OFF = new ForwardConfig(List.of(), null,
            DEFAULT_RECURSION_ALLOW.stream().map(Cidr::parse).toList(), Duration.ofSeconds(2), Duration.ofHours(1),
            DEFAULT_CACHE_ENTRIES);

    public ForwardConfig {
        upstreams = List.copyOf(upstreams);
        recursionAllow = List.copyOf(recursionAllow);
    }

    /** True when names outside the zone go upstream. */
    public boolean enabled() {
        return !upstreams.isEmpty() || resolvConf != null;
    }

    /** Adds the problems of {@code config}; see {@link ServerConfigProblems} for {@code unparsed}. */
    static void problems(ForwardConfig config, Set<String> unparsed, List<String> problems) {
        if (config.resolvConf() != null && !Files.isRegularFile(config.resolvConf())) {
            problems.add("upstream-resolv-conf must be a readable file (got " + config.resolvConf() + ")");
        }
        if (!unparsed.contains("forward-timeout") && (config.timeout() == null || config.timeout().isNegative()
                || config.timeout().isZero() || config.timeout().compareTo(MAX_TIMEOUT) > 0)) {
            problems.add("forward-timeout must be more than 0 and at most 30s (got " + config.timeout() + ")");
        }
        if (!unparsed.contains("serve-stale") && (config.serveStale() == null || config.serveStale().isNegative())) {
            problems.add("serve-stale must not be negative (got " + config.serveStale() + ")");
        }
        if (config.cacheEntries() < 0) {
            problems.add("cache-entries must be 0 or more (got " + config.cacheEntries() + ")");
        }
    }
}
