package dev.meshdns.apply;

import dev.meshdns.admin.Metrics;
import dev.meshdns.catalog.Catalog;
import dev.meshdns.catalog.PinnedVips;
import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.table.LiveTable;
import dev.meshdns.table.ZoneSpec;
import dev.meshdns.vip.Cidr;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the apply path tells the operator about a catalog, each thing once while it lasts (not on
 * every reload): names left out because another entry claims them (also the gauge
 * {@code meshdns.catalog.conflicts}), PTRs capped, entries whose pin is an edge of its pool, and a
 * catalog that removes every service. Confined to the {@code meshdns-vip-store} thread.
 */
final class ApplyReports {
    private static final Logger log = LoggerFactory.getLogger(ApplyReports.class);

    private final ZoneSpec spec;
    private final Metrics metrics;
    // The first and last address of each pool: an equals per pinned entry and apply, no allocation.
    private final Set<InetAddress> edges;
    private Set<String> conflicts = Set.of();
    private Set<String> capped = Set.of();
    private Set<String> rejectedPins = Set.of();
    private Set<String> pinConflicts = Set.of();
    private int lastServices = -1;

    ApplyReports(ZoneSpec spec, Metrics metrics) {
        this.spec = spec;
        this.metrics = metrics;
        Set<InetAddress> both = new HashSet<>(PinnedVips.poolEdges(spec.vipPool()));
        if (spec.vip6Pool() != null) {
            both.addAll(PinnedVips.poolEdges(spec.vip6Pool()));
        }
        this.edges = both; // a HashSet: contains(null) is false, not an exception
    }

    /**
     * The catalog without the entries that pin the first or last address of their pool (each
     * rejected alone, like a bad entry of the file, and logged once); the same object when none does.
     */
    Catalog withoutPoolEdgePins(Catalog catalog) {
        List<String> problems = null;
        List<ServiceEntry> kept = null;
        int index = 0;
        for (ServiceEntry entry : catalog.entries()) {
            Optional<String> why = !edges.contains(entry.vip()) && !edges.contains(entry.vip6()) ? Optional.empty()
                    : edge("vip", entry.vip(), spec.vipPool()).or(() -> edge("vip6", entry.vip6(), spec.vip6Pool()));
            if (why.isPresent() && kept == null) {
                problems = new ArrayList<>(catalog.problems());
                kept = new ArrayList<>(catalog.entries().subList(0, index));
            }
            if (why.isPresent()) {
                problems.add("service \"" + entry.service() + "\": " + why.get() + "; entry skipped");
            } else if (kept != null) {
                kept.add(entry);
            }
            index++;
        }
        Set<String> now = new HashSet<>();
        if (kept != null) {
            problems.subList(catalog.problems().size(), problems.size()).forEach(problem -> {
                now.add(problem);
                if (!rejectedPins.contains(problem)) {
                    log.warn("catalog entry rejected: {}", problem);
                }
            });
        }
        rejectedPins = now;
        return kept == null ? catalog : new Catalog(kept, problems);
    }

    private static Optional<String> edge(String key, InetAddress pin, Cidr pool) {
        return PinnedVips.poolEdge(pin, pool).map(why -> key + " " + pin.getHostAddress() + " cannot be a VIP: " + why);
    }

    /**
     * Warns when a catalog of no services replaces one of some (config tools that truncate a file
     * before writing it do this by accident); {@code held} counts the services holding a VIP, for
     * the first catalog after a start.
     */
    void beforeApply(Catalog catalog, int held) {
        int before = lastServices >= 0 ? lastServices : held;
        if (catalog.entries().isEmpty() && before > 0) {
            log.warn("catalog removes every service: {} services removed{}; every name of the zone now answers"
                            + " NXDOMAIN. A catalog file truncated before it was written, or a control plane that lost"
                            + " its entries, does this by accident", before,
                    lastServices >= 0 ? "" : " (they held VIPs at start; the VIPs go into quarantine)");
        }
        lastServices = catalog.entries().size();
    }

    /**
     * Reports the pins not applied because another service holds or wins the address, each once
     * while it lasts, at ERROR, and counts each new one in {@code meshdns.vip.pin.conflicts}.
     */
    void pinConflicts(List<String> now) {
        for (String conflict : now) {
            if (!pinConflicts.contains(conflict)) {
                metrics.vipPinConflict();
                log.error("VIP conflict: {}", conflict);
            }
        }
        pinConflicts = Set.copyOf(now);
    }

    /** Reports what the published table left out or capped, what is new only. */
    void published(LiveTable table) {
        List<String> problems = table.table().problems();
        for (String problem : problems) {
            if (!conflicts.contains(problem)) {
                log.warn("catalog name conflict: {}", problem);
            }
        }
        conflicts = Set.copyOf(problems);
        metrics.catalogConflicts(problems.size());
        Map<String, Integer> now = table.cappedPtrs();
        now.forEach((service, names) -> {
            if (!capped.contains(service)) {
                log.warn("service \"{}\" has {} names; the PTR of its VIP answers only the first {}: its own names,"
                        + " then its hostnames in alphabetical order", service, names, LiveTable.MAX_PTR_RECORDS);
            }
        });
        capped = Set.copyOf(now.keySet());
    }
}
