package dev.meshdns.catalog;

import java.util.List;
import java.util.Map;

/**
 * Validates one service entry given as fields ({@code service}, {@code hostnames}, {@code vip},
 * {@code vip6}, {@code ports}) by exactly the rules of a catalog file entry, for sources other
 * than the file: a control plane's resource, a persisted last-known-good entry. Stateless and
 * thread-safe.
 */
public final class ServiceEntries {
    private ServiceEntries() {
    }

    /**
     * The outcome of checking one entry: the entry, or every problem that made it unusable (never
     * both). Immutable.
     */
    public record Checked(ServiceEntry entry, List<String> problems) {
        public Checked {
            problems = List.copyOf(problems);
        }

        public boolean isValid() {
            return entry != null;
        }
    }

    /**
     * Checks fields as a catalog file entry would be checked: strings for names and addresses, a
     * list of strings for hostnames, a list of integers for ports; absent or null keys mean unset.
     */
    public static Checked check(Map<String, ?> fields) {
        EntryReader.Outcome outcome = EntryReader.read(fields);
        return new Checked(outcome.entry(), outcome.problems());
    }

    /**
     * The same for the five fields given one by one, each null when unset (for a source whose
     * fields are known, like a control plane's resource: no map per entry).
     */
    public static Checked check(String service, List<String> hostnames, String vip, String vip6,
                                List<Integer> ports) {
        EntryReader.Outcome outcome = EntryReader.read(service, hostnames, vip, vip6, ports);
        return new Checked(outcome.entry(), outcome.problems());
    }
}
