package dev.meshdns;

import dev.meshdns.catalog.Catalog;
import dev.meshdns.table.NameTable;
import dev.meshdns.table.ZoneSpec;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
            NameTable table = NameTable.build(spec, outcome.entries(), outcome.vips(), outcome.failures());
            table.problems().forEach(problem -> log.warn("catalog: {}", problem));
            tables.set(table);
            log.info("catalog applied: {} services, {} names, {} entries skipped, {} without VIP, in {} ms",
                    outcome.entries().size(), table.entryNames(), catalog.problems().size(),
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
}
