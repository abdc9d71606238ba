package dev.meshdns.config;

import dev.meshdns.catalog.DnsNames;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;

/**
 * The host the zone's NS record (and SOA MNAME) names, and its addresses: by default
 * {@code ns.dns.<zone>}, answered with the {@code --dns-listen} address when that is a specific
 * one, else NODATA (a wildcard listener has no one address to give). Part of {@link ServerConfig},
 * validated with it. Immutable.
 *
 * @param name      the NS host name, lower case, no trailing dot; null for {@code ns.dns.<zone>}
 * @param addresses the NS host's addresses; empty for the {@code --dns-listen} address, if specific
 */
public record NameServerConfig(String name, List<InetAddress> addresses) {
    /** {@code ns.dns.<zone>} at the listen address. */
    public static final NameServerConfig DEFAULT = new NameServerConfig(null, List.of());

    public NameServerConfig {
        name = name == null || DnsNames.nameProblem(name).isPresent() ? name : DnsNames.normalize(name);
        addresses = List.copyOf(addresses);
    }

    /** The NS host name in {@code zone}. */
    public String name(String zone) {
        return name != null ? name : "ns.dns." + zone;
    }

    /** Its addresses: those given, else the DNS listen address unless it is a wildcard (0.0.0.0, ::). */
    public List<InetAddress> addresses(InetSocketAddress dnsListen) {
        if (!addresses.isEmpty() || dnsListen == null || dnsListen.isUnresolved()
                || dnsListen.getAddress().isAnyLocalAddress()) {
            return addresses;
        }
        return List.of(dnsListen.getAddress());
    }

    /** Adds the problems of {@code config} in {@code zone}; see {@link ServerConfigProblems} for {@code unparsed}. */
    static void problems(NameServerConfig config, String zone, Set<String> unparsed, List<String> problems) {
        if (config.name() != null) {
            DnsNames.nameProblem(config.name()).ifPresent(problem -> problems.add("ns-name " + problem));
        }
        if (config.name() == null || config.addresses().isEmpty() || zone == null || unparsed.contains("zone")) {
            return;
        }
        String normalizedZone = DnsNames.normalize(zone);
        if (!config.name().endsWith("." + normalizedZone)) {
            problems.add("ns-address is only used with an --ns-name inside --zone " + normalizedZone + " (got --ns-name "
                    + config.name() + ": a name server outside the zone has its address answered by its own zone)");
        }
    }
}
