package dev.meshdns.admin;

import dev.meshdns.config.HostPort;
import dev.meshdns.forward.UpstreamStatus;
import dev.meshdns.table.NameTable;
import dev.meshdns.table.ServiceVips;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The JSON bodies of the {@code /names} and {@code /vips} debug views, supplied by the server and
 * rendered on an admin thread per request; build them with {@link Json}. Implementations must be
 * safe to call from any thread (read the current published snapshot; never block on the store).
 */
public interface DebugViews {
    /** JSON for {@code /names}: the names in the current table. */
    String namesJson();

    /** JSON for {@code /vips}: the current VIP assignments. */
    String vipsJson();

    /** JSON for {@code /upstreams}: the forwarder's upstreams with their health; none without forwarding. */
    default String upstreamsJson() {
        return "{\"upstreams\":[]}";
    }

    /** Views over two body suppliers, e.g. method references on the server. */
    static DebugViews of(Supplier<String> namesJson, Supplier<String> vipsJson) {
        Objects.requireNonNull(namesJson, "namesJson");
        Objects.requireNonNull(vipsJson, "vipsJson");
        return new DebugViews() {
            @Override
            public String namesJson() {
                return namesJson.get();
            }

            @Override
            public String vipsJson() {
                return vipsJson.get();
            }
        };
    }

    /**
     * The views of the server: the names of the published table, the VIPs answered now by service,
     * and the forwarder's upstreams (an empty list without forwarding).
     */
    static DebugViews over(Supplier<NameTable> tables, Supplier<Map<String, ServiceVips>> vips,
                           Supplier<List<UpstreamStatus>> upstreams) {
        return new DebugViews() {
            @Override
            public String namesJson() {
                return DebugViews.namesJson(tables.get());
            }

            @Override
            public String vipsJson() {
                return DebugViews.vipsJson(vips.get());
            }

            @Override
            public String upstreamsJson() {
                return DebugViews.upstreamsJson(upstreams.get());
            }
        };
    }

    private static String upstreamsJson(List<UpstreamStatus> upstreams) {
        StringBuilder json = new StringBuilder("{\"upstreams\":[");
        String separator = "";
        for (UpstreamStatus upstream : upstreams) {
            json.append(separator).append("{\"address\":");
            Json.appendString(json, HostPort.text(upstream.address()))
                    .append(",\"up\":").append(upstream.up())
                    .append(",\"consecutiveFailures\":").append(upstream.consecutiveFailures())
                    .append(",\"lastFailure\":");
            Json.appendString(json, upstream.lastFailure()).append('}');
            separator = ",";
        }
        return json.append("]}").toString();
    }

    private static String namesJson(NameTable table) {
        StringBuilder json = new StringBuilder("{\"names\":[");
        String separator = "";
        for (String name : table.names()) {
            json.append(separator);
            Json.appendString(json, name);
            separator = ",";
        }
        return json.append("]}").toString();
    }

    private static String vipsJson(Map<String, ServiceVips> published) {
        StringBuilder json = new StringBuilder("{");
        String separator = "";
        for (Map.Entry<String, ServiceVips> entry : new TreeMap<>(published).entrySet()) {
            ServiceVips v = entry.getValue();
            json.append(separator);
            Json.appendString(json, entry.getKey()).append(":{\"ipv4\":")
                    .append(v.v4() == null ? "null" : Json.quote(v.v4().getHostAddress())).append(",\"ipv6\":")
                    .append(v.v6() == null ? "null" : Json.quote(v.v6().getHostAddress())).append('}');
            separator = ",";
        }
        return json.append('}').toString();
    }

    /** Views that have nothing to show, for a server without them wired in: both answer {@code {}}. */
    static DebugViews empty() {
        return of(() -> "{}", () -> "{}");
    }
}
