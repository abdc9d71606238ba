package dev.meshdns.catalog;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns one YAML mapping of the {@code services:} list into a {@link ServiceEntry}, collecting
 * every problem of that entry. Not thread-safe: one instance per entry.
 */
final class EntryReader {
    static final Set<String> KEYS = Set.of("service", "hostnames", "vip", "vip6", "ports");
    private static final String KNOWN = "service, hostnames, vip, vip6, ports";

    private final List<String> problems = new ArrayList<>();

    private EntryReader() {
    }

    /** The entry, or the problems that made it unusable (never both). */
    record Outcome(ServiceEntry entry, String rawService, List<String> problems) {
    }

    static Outcome read(Object item) {
        if (!(item instanceof Map<?, ?> fields)) {
            return new Outcome(null, null, List.of("must be a mapping with a \"service\" key (got "
                    + describe(item) + ")"));
        }
        EntryReader reader = new EntryReader();
        for (Object key : fields.keySet()) {
            // Never print a key that is a mapping or list: through an alias it may hold itself.
            if (!(key instanceof String name && KEYS.contains(name))) {
                reader.problems.add("unknown key " + describe(key) + " (known: " + KNOWN + ")");
            }
        }
        return reader.entry(fields.get("service"), fields.get("hostnames"), fields.get("vip"), fields.get("vip6"),
                fields.get("ports"));
    }

    /** The same for the values of the five keys, each null when unset: no map to build per entry. */
    static Outcome read(Object service, Object hostnames, Object vip, Object vip6, Object ports) {
        return new EntryReader().entry(service, hostnames, vip, vip6, ports);
    }

    private Outcome entry(Object rawService, Object rawHostnames, Object rawVip, Object rawVip6, Object rawPorts) {
        String service = service(rawService);
        List<String> hostnames = hostnames(rawHostnames);
        Inet4Address vip = vip(rawVip);
        Inet6Address vip6 = vip6(rawVip6);
        List<Integer> ports = ports(rawPorts);
        String raw = rawService instanceof String s ? s : null;
        if (!problems.isEmpty()) {
            return new Outcome(null, raw, List.copyOf(problems));
        }
        return new Outcome(new ServiceEntry(service, hostnames, vip, vip6, ports), raw, List.of());
    }

    private String service(Object value) {
        if (value == null) {
            problems.add("service is required");
            return null;
        }
        if (!(value instanceof String text) || !DnsNames.isLabel(text)) {
            problems.add("service must be a DNS label of letters, digits, '-' or '_' (got "
                    + describe(value) + ")");
            return null;
        }
        return text.toLowerCase(Locale.ROOT);
    }

    private List<String> hostnames(Object value) {
        if (value == null || value instanceof List<?> none && none.isEmpty()) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            problems.add("hostnames must be a list of DNS names (got " + describe(value) + ")");
            return List.of();
        }
        Set<String> names = new LinkedHashSet<>();
        for (Object item : list) {
            if (!(item instanceof String text)) {
                problems.add("hostname must be a DNS name (got " + describe(item) + ")");
                continue;
            }
            Optional<String> problem = DnsNames.nameProblem(text);
            if (problem.isPresent()) {
                problems.add("hostname " + problem.get());
            } else if (!DnsNames.normalize(text).contains(".")) {
                // A hostname covers its one name; a single label would take over a top-level domain.
                problems.add("hostname \"" + text + "\" must have at least two labels: a single label would claim"
                        + " a top-level domain");
            } else {
                names.add(DnsNames.normalize(text));
            }
        }
        return List.copyOf(names);
    }

    private Inet4Address vip(Object value) {
        if (value == null) {
            return null;
        }
        Optional<Inet4Address> vip = value instanceof String s ? IpLiterals.ipv4(s) : Optional.empty();
        if (vip.isEmpty()) {
            problems.add("vip must be an IPv4 address like 240.0.0.100 (got " + describe(value) + ")");
        }
        return usable("vip", value, vip.orElse(null));
    }

    private Inet6Address vip6(Object value) {
        if (value == null) {
            return null;
        }
        Optional<Inet6Address> vip6 = value instanceof String s ? IpLiterals.ipv6(s) : Optional.empty();
        if (vip6.isEmpty()) {
            problems.add("vip6 must be an IPv6 address like fd00::1, quoted if all digits (got "
                    + describe(value) + ")");
        }
        return usable("vip6", value, vip6.orElse(null));
    }

    /** The pin, or null with a problem when it can never be a VIP; {@code given} is the text as written. */
    private <T extends InetAddress> T usable(String key, Object given, T pin) {
        if (pin == null) {
            return null;
        }
        Optional<String> why = PinnedVips.unusable(pin);
        why.ifPresent(reason -> problems.add(key + " " + given + " cannot be a VIP: " + reason));
        return why.isPresent() ? null : pin;
    }

    private List<Integer> ports(Object value) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            problems.add("ports must be a list of port numbers (got " + describe(value) + ")");
            return List.of();
        }
        List<Integer> ports = new ArrayList<>();
        for (Object item : list) {
            if (item instanceof Integer port && port >= 1 && port <= 65535) {
                ports.add(port);
            } else {
                problems.add("port must be a number from 1 to 65535 (got " + describe(item) + ")");
            }
        }
        return ports;
    }

    static String describe(Object value) {
        if (value == null) {
            return "nothing";
        }
        if (value instanceof String s) {
            return "\"" + s + "\"";
        }
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            return "a " + (value instanceof Map<?, ?> ? "mapping" : "list");
        }
        return String.valueOf(value);
    }
}
