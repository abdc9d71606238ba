package dev.meshdns.it.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code mesh-dns serve} flags a test chooses, on top of the ones {@link ServerProcess} always
 * sets (catalog file, DNS and admin listen addresses, data dir). A flag given again replaces the
 * earlier value, since the CLI rejects a repeated option. Immutable; {@code with} returns a copy.
 */
public final class ServerFlags {
    private final Map<String, String> values;

    private ServerFlags(Map<String, String> values) {
        this.values = values;
    }

    /**
     * Zone mesh, pool 240.0.0.0/4, TTL 30: what the contract's examples assume; no lameduck, so
     * that {@link ServerProcess#stop()} does not wait the default 5 s per server. With the system
     * property {@code it.transport} (e.g. {@code -Dit.transport=io_uring} on the Maven command line),
     * also {@code --transport} with its value, so the same tests run on each transport.
     */
    public static ServerFlags defaults() {
        ServerFlags flags = new ServerFlags(new LinkedHashMap<>())
                .with("--zone", "mesh")
                .with("--vip-cidr", "240.0.0.0/4")
                .with("--ttl", "30")
                .with("--lameduck", "0s");
        String transport = System.getProperty("it.transport", "").trim();
        return transport.isEmpty() ? flags : flags.with("--transport", transport);
    }

    /** A flag with a value, e.g. {@code with("--vip-cidr", "240.0.0.0/30")}. */
    public ServerFlags with(String flag, String value) {
        Map<String, String> copy = new LinkedHashMap<>(values);
        copy.put(flag, value);
        return new ServerFlags(copy);
    }

    /** A switch without a value, e.g. {@code withSwitch("--aaaa-ipv4-mapped")}. */
    public ServerFlags withSwitch(String flag) {
        return with(flag, null);
    }

    public String zone() {
        return values.get("--zone");
    }

    List<String> arguments() {
        List<String> arguments = new ArrayList<>();
        values.forEach((flag, value) -> {
            arguments.add(flag);
            if (value != null) {
                arguments.add(value);
            }
        });
        return arguments;
    }

    @Override
    public String toString() {
        return String.join(" ", arguments());
    }
}
