package dev.meshdns.admin;

import java.util.Objects;
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

    /** Views that have nothing to show, for a server without them wired in: both answer {@code {}}. */
    static DebugViews empty() {
        return of(() -> "{}", () -> "{}");
    }
}
