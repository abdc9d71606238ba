package dev.meshdns;

import dev.meshdns.catalog.Catalog;
import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.table.NameTable;
import dev.meshdns.table.ZoneSpec;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a catalog into a published NameTable: VIPs made durable first, then the table built aside
 * and swapped in with one volatile write. Any failure keeps the previous table. Confined to the
 * {@code meshdns-vip-store} thread (it calls the allocator).
 */
final class CatalogApplier {
    private static final Logger log = LoggerFactory.getLogger(CatalogApplier.class);
    private static final Pattern KUBERNETES_SERVICE = Pattern.compile("[a-z0-9-]+_[a-z0-9-]+_svc_[0-9]+");
    private static final int MAX_NAMED_FAILURES = 50;

    private final ZoneSpec spec;
    private final VipSource vips;
    private final AtomicReference<NameTable> tables;

    CatalogApplier(ZoneSpec spec, VipSource vips, AtomicReference<NameTable> tables) {
        this.spec = spec;
        this.vips = vips;
        this.tables = tables;
    }

    /** Applies the catalog, or logs why not and leaves the current table in place. Never throws. */
    void apply(Catalog catalog) {
        long start = System.nanoTime();
        try {
            VipAssignment.Outcome outcome = VipAssignment.assign(catalog.entries(), vips);
            outcome.conflicts().forEach(conflict -> log.error("VIP conflict: {}", conflict));
            logFailures(outcome.failures());
            tables.set(NameTable.build(spec, outcome.entries(), outcome.vips(), outcome.failures()));
            log.info("catalog applied: {} services, {} names, {} entries skipped, {} without VIP, in {} ms",
                    outcome.entries().size(), nameCount(outcome.entries()), catalog.problems().size(),
                    outcome.failures().size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        } catch (Exception e) {
            log.error("catalog not applied, still answering from the previous one", e);
        }
    }

    private void logFailures(Map<String, String> failures) {
        if (failures.isEmpty()) {
            return;
        }
        String named = failures.entrySet().stream().limit(MAX_NAMED_FAILURES)
                .map(failure -> failure.getKey() + " (" + failure.getValue() + ")")
                .collect(Collectors.joining(", "));
        String more = failures.size() > MAX_NAMED_FAILURES ? " and " + (failures.size() - MAX_NAMED_FAILURES)
                + " more" : "";
        log.error("no VIP from pool {}/{} for {} services, their names answer SERVFAIL: {}{}",
                spec.vipPool().network().getHostAddress(), spec.vipPool().prefixLength(), failures.size(), named, more);
    }

    /**
     * Names the entries define: {@code <service>.<zone>}, the Kubernetes form for
     * {@code name_namespace_svc_port}, and the extra hostnames. Only for the summary line.
     */
    static int nameCount(List<ServiceEntry> entries) {
        int names = 0;
        for (ServiceEntry entry : entries) {
            names += 1 + entry.hostnames().size();
            if (KUBERNETES_SERVICE.matcher(entry.service()).matches()) {
                names++;
            }
        }
        return names;
    }
}
