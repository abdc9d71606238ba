package dev.meshdns.admin;

import dev.meshdns.table.NameTable;
import dev.meshdns.table.ServiceVips;
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

    /** The views of the server: the names of the published table and the VIPs answered now, by service. */
    static DebugViews over(Supplier<NameTable> tables, Supplier<Map<String, ServiceVips>> vips) {
        return of(() -> namesJson(tables.get()), () -> vipsJson(vips.get()));
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
