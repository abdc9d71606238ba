package dev.meshdns.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Whether the server should receive traffic, and why: {@code /ready} answers 200 with the details
 * when ready, 503 with them as the reasons when not. Details are single lines (line breaks are
 * replaced by spaces), e.g. "3 services without a VIP: pool exhausted". Immutable, so one can be
 * published through a volatile field or an {@code AtomicReference} and read from any thread.
 *
 * @param ready whether the server answers from a loaded catalog and restored store
 * @param details one line each: reasons when not ready, warnings worth showing when ready
 */
public record Readiness(boolean ready, List<String> details) {
    /**
     * Ready, with no details. A constant, not a {@code ready()} factory: that name is the record's
     * accessor for {@link #ready}.
     */
    public static final Readiness READY = new Readiness(true, List.of());

    public Readiness {
        List<String> lines = new ArrayList<>(Objects.requireNonNull(details, "details").size());
        for (String detail : details) {
            lines.add(oneLine(detail));
        }
        details = List.copyOf(lines);
    }

    /** Not ready, for the given reason. */
    public static Readiness notReady(String why) {
        return new Readiness(false, List.of(why));
    }

    /** This readiness with one more detail line. */
    public Readiness withDetail(String detail) {
        List<String> lines = new ArrayList<>(details.size() + 1);
        lines.addAll(details);
        lines.add(detail);
        return new Readiness(ready, lines);
    }

    /** The {@code /ready} body: "ready" or "not ready", then one detail per line. */
    String text() {
        StringBuilder text = new StringBuilder(ready ? "ready\n" : "not ready\n");
        for (String detail : details) {
            text.append(detail).append('\n');
        }
        return text.toString();
    }

    private static String oneLine(String detail) {
        Objects.requireNonNull(detail, "detail");
        return detail.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
    }
}
