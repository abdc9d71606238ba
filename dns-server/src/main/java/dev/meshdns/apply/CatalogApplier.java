package dev.meshdns.apply;

import dev.meshdns.admin.Metrics;
import dev.meshdns.admin.Readiness;
import dev.meshdns.catalog.Catalog;
import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.table.LiveTable;
import dev.meshdns.table.NameTable;
import dev.meshdns.table.ServiceVips;
import dev.meshdns.table.ZoneSpec;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the current catalog into a published NameTable, VIPs made durable first: a change of a few
 * services after a clean apply is patched in ({@link #applyPatch}), anything else is applied in full
 * ({@link #applyFull}). Any failure keeps the previous table; each apply returns when it should be
 * retried (a quarantine ending; while the store fails, after a backoff, see {@link StoreOutage}).
 * Confined to the {@code meshdns-vip-store} thread.
 */
public final class CatalogApplier {
    /** Why a new service has no VIP while the store fails: its SERVFAIL's Extended DNS Error text. */
    static final String STORE_FAILING = "VIP store failing: no new VIPs until it works again";
    private static final Logger log = LoggerFactory.getLogger(CatalogApplier.class);
    private static final int MAX_NAMED_FAILURES = 50;
    private static final Consumer<NameTable> NOTHING = table -> { };
    /**
     * A change of more services than this is applied in full: per service a patch costs what a full
     * build does, so a big one gains little and holds a second copy of the index meanwhile.
     */
    static final int MAX_PATCHED_SERVICES = 4096;

    private final ZoneSpec spec;
    private final VipSource v4;
    private final VipSource v6;
    private final AtomicReference<NameTable> tables;
    private final AtomicReference<Readiness> readiness;
    private final Metrics metrics;
    private final VipPatch vipPatch;
    private final EntryFeed feed;
    private final StoreOutage outage;
    private Catalog current;
    private Catalog given = new Catalog(List.of(), List.of()); // as last given, before pool-edge pins are dropped
    private Catalog failedCatalog; // the catalog the last failed store call was for
    // Replaced by every apply (immutable); read by the debug view.
    private volatile PublishedVips published = PublishedVips.empty();
    // What the last apply left, for the next patch; live is null when the next apply must be full.
    private LiveTable live;
    private final AppliedEntries applied = new AppliedEntries();
    private final ApplyReports reports;
    private final SavedTable saved;
    private Consumer<NameTable> beforeFirstPublish = NOTHING;

    /** {@code feed} is told what each apply published ({@link EntryFeed#NONE} for nobody); no table is saved. */
    public CatalogApplier(ZoneSpec spec, VipSource v4, VipSource v6, AtomicReference<NameTable> tables,
                          AtomicReference<Readiness> readiness, Metrics metrics, Clock clock, EntryFeed feed) {
        this(spec, v4, v6, tables, readiness, metrics, clock, feed, SavedTable.none());
    }

    /** Saves each clean table it publishes in {@code saved}, keyed by the catalog it was given. */
    public CatalogApplier(ZoneSpec spec, VipSource v4, VipSource v6, AtomicReference<NameTable> tables,
                          AtomicReference<Readiness> readiness, Metrics metrics, Clock clock, EntryFeed feed,
                          SavedTable saved) {
        this.saved = saved;
        this.feed = feed;
        this.spec = spec;
        this.v4 = v4;
        this.v6 = v6;
        this.tables = tables;
        this.readiness = readiness;
        this.metrics = metrics;
        this.vipPatch = new VipPatch(v4, v6);
        this.outage = new StoreOutage(metrics, clock);
        this.reports = new ApplyReports(spec, metrics);
    }

    /**
     * Runs {@code hook} once, on the applying thread, with the first table this applier publishes,
     * right before it is published. Call before the first apply.
     */
    public void beforeFirstPublish(Consumer<NameTable> hook) {
        beforeFirstPublish = Objects.requireNonNull(hook, "hook");
    }

    /** Applies a new catalog, as a patch when it can; returns when to apply again, if ever. Never throws. */
    public Optional<Instant> apply(Catalog catalog) {
        given = catalog;
        current = reports.withoutPoolEdgePins(catalog);
        reports.beforeApply(current, current.entries().isEmpty() && live == null && published.isEmpty()
                ? Math.max(v4.allocations().size(), v6.allocations().size()) : 0);
        return applyPatch(current.entries()) ? Optional.empty() : applyFull();
    }

    private void publish(NameTable table) {
        Consumer<NameTable> hook = beforeFirstPublish;
        beforeFirstPublish = NOTHING;
        try {
            hook.accept(table);
        } catch (RuntimeException e) {
            log.warn("the hook before the first publish failed; publishing", e);
        }
        tables.set(table);
    }

    /** Picks up other writers' changes; applies again when there were any. Never throws. */
    public Optional<Instant> refresh() {
        if (current == null) {
            return Optional.empty();
        }
        try {
            boolean changed = v4.refresh() | v6.refresh();
            if (changed && live != null && vipPatch.stillHeld(published, applied, Set.of())) {
                // Typically another replica claiming the same new services: nothing answered moves.
                log.debug("other writers' VIP changes leave every answered VIP as it is");
                return Optional.empty();
            }
            return changed ? applyFull() : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.of(outage.failed("reading VIP changes", e));
        }
    }

    /**
     * Applies the current catalog in full: both families' VIPs synced with the store (durable before
     * anything is published; with the store down, held VIPs keep answering and new services answer
     * SERVFAIL), the table built whole and published. Also the retry: a retry that fails again for
     * the same catalog logs at DEBUG only (the outage was logged when it began). Never throws.
     */
    public Optional<Instant> applyFull() {
        if (current == null) {
            return Optional.empty();
        }
        long start = System.nanoTime();
        try {
            List<ServiceEntry> entries = current.entries();
            Optional<Instant> retry = Optional.empty();
            boolean failingAgain = outage.failing() && current == failedCatalog;
            VipAssignment.Outcome four;
            VipAssignment.Outcome six;
            PublishedVips vips;
            TableBuild building;
            try {
                // Both families decided, then claimed while the table is built with them: their claims are
                // independent (no address is in both pools), and nothing is answered before both returned.
                VipAssignment.Planned fourPlanned = VipAssignment.plan(entries, ServiceEntry::vip, v4);
                VipAssignment.Planned sixPlanned = VipAssignment.plan(entries, ServiceEntry::vip6, v6);
                four = fourPlanned.outcome();
                six = sixPlanned.outcome();
                vips = combine(entries, four, six);
                building = TableBuild.start(spec, entries, vips);
                try {
                    fourPlanned.claim();
                    sixPlanned.claim();
                } catch (IOException e) {
                    building.abandon();
                    throw e;
                }
                outage.worked();
                failingAgain = false;
            } catch (IOException e) {
                four = VipAssignment.withoutStore(entries, ServiceEntry::vip, v4, STORE_FAILING);
                six = VipAssignment.withoutStore(entries, ServiceEntry::vip6, v6, STORE_FAILING);
                retry = Optional.of(outage.failed("allocating VIPs", e));
                failedCatalog = current;
                vips = combine(entries, four, six);
                building = TableBuild.start(spec, entries, vips);
            }
            long vipsDone = System.nanoTime();
            reports.pinConflicts(Stream.concat(four.conflicts().stream(), six.conflicts().stream()).toList());
            live = null;
            TableBuild.Built done = building.get();
            LiveTable built = done.table();
            NameTable table = built.table();
            long tableDone = System.nanoTime();
            publish(table);
            long publishedAt = System.nanoTime();
            reports.published(built);
            PublishedVips before = published;
            published = vips;
            CatalogDiff served = applied.changes(entries, vips, before);
            List<ServiceEntry> upserted = new ArrayList<>(served.added().size() + served.changed().size());
            upserted.addAll(served.changed());
            upserted.addAll(served.added());
            feed.published(upserted, served.removed().stream().map(ServiceEntry::service).toList(), published);
            applied.replaceAll(entries); // what the next apply is a change of, for the feed and for a patch
            int unallocated = four.failures().size() + six.failures().size();
            boolean clean = retry.isEmpty() && unallocated == 0 && four.conflicts().isEmpty()
                    && six.conflicts().isEmpty();
            remember(clean ? built : null, entries);
            if (clean) {
                saved.published(table, given);
            }
            report(four.failures(), six.failures(), failingAgain);
            metrics.catalogReload(Metrics.Reload.APPLIED);
            metrics.catalogApplied(false);
            metrics.catalogServices(entries.size());
            metrics.names(table.size());
            metrics.vipAllocationFailures(unallocated);
            metrics.unallocatedVips(unallocated);
            metrics.catalogApplyNanos(System.nanoTime() - start);
            readiness.set(readiness(four.failures(), six.failures()));
            logApplied(failingAgain, entries.size(), table.entryNames(), unallocated,
                    new Marks(start, vipsDone, done.nanos(), tableDone, publishedAt));
            if (retry.isEmpty() && unallocated > 0) {
                retry = earliest(v4.nextQuarantineEnd(), v6.nextQuarantineEnd());
            }
            return retry;
        } catch (RuntimeException e) {
            live = null;
            metrics.catalogReload(Metrics.Reload.FAILED);
            log.error("catalog not applied, still answering from the previous one", e);
            return Optional.empty();
        }
    }

    /**
     * Applies a small change by patching: true when the change was published (or there was none),
     * false when the full apply must run (nothing was published; VIPs made durable on the way stay
     * durable and are found again by it). Never throws.
     */
    private boolean applyPatch(List<ServiceEntry> entries) {
        if (live == null) {
            return false;
        }
        long start = System.nanoTime();
        Optional<CatalogDiff> found = applied.diff(entries, MAX_PATCHED_SERVICES);
        if (found.isEmpty()) {
            return false;
        }
        CatalogDiff diff = found.get();
        if (diff.isEmpty()) {
            metrics.catalogReload(Metrics.Reload.APPLIED);
            return true;
        }
        Optional<Map<String, ServiceVips>> vips = vipPatch.apply(diff, applied, published);
        if (vips.isEmpty()) {
            return false;
        }
        outage.worked(); // its VIPs are durable: the store works
        List<LiveTable.Change> changes = new ArrayList<>(diff.size());
        diff.removed().forEach(entry -> changes.add(LiveTable.Change.removed(entry)));
        diff.changed().forEach(entry -> changes.add(new LiveTable.Change(entry,
                vips.get().getOrDefault(entry.service(), published.get(entry.service())))));
        diff.added().forEach(entry -> changes.add(new LiveTable.Change(entry, vips.get().get(entry.service()))));
        Optional<LiveTable> patched;
        try {
            patched = live.patch(changes, this::appliedNow);
        } catch (RuntimeException e) {
            log.warn("patching the table failed, building it whole", e);
            return false;
        }
        if (patched.isEmpty()) {
            return false;
        }
        publish(patched.get().table());
        reports.published(patched.get());
        List<String> removed = diff.removed().stream().map(ServiceEntry::service).toList();
        published = published.patched(removed, vips.get());
        List<ServiceEntry> upserted = new ArrayList<>(diff.added().size() + diff.changed().size());
        upserted.addAll(diff.changed());
        upserted.addAll(diff.added());
        feed.published(upserted, removed, published);
        live = patched.get();
        applied.apply(diff);
        saved.published(live.table(), given);
        metrics.catalogReload(Metrics.Reload.APPLIED);
        metrics.catalogApplied(true);
        metrics.catalogServices(entries.size());
        metrics.names(live.table().size());
        metrics.catalogApplyNanos(System.nanoTime() - start);
        log.info("catalog patched: {} services added, {} changed, {} removed; {} services, {} names, in {} ms",
                diff.added().size(), diff.changed().size(), diff.removed().size(), entries.size(),
                live.table().entryNames(), millisSince(start));
        return true;
    }

    /** Keeps what a patch of the next change needs, or forgets it ({@code built} null) so that apply is full. */
    private void remember(LiveTable built, List<ServiceEntry> entries) {
        live = built;
        if (built == null) {
            return;
        }
        vipPatch.remember(entries);
    }

    /**
     * The entry and VIPs the service was last applied with, or null: what the live table was built
     * or last patched with, while it is kept ({@code applied} and {@code published} follow every
     * apply), so the table keeps no copy of its own.
     */
    private LiveTable.Change appliedNow(String service) {
        ServiceEntry entry = applied.get(service);
        return entry == null ? null : new LiveTable.Change(entry, published.get(service));
    }

    /** The addresses answered now, service to VIPs, unordered, for the debug view. Any thread. */
    public Map<String, ServiceVips> published() {
        return published;
    }

    private static PublishedVips combine(List<ServiceEntry> entries, VipAssignment.Outcome four,
                                         VipAssignment.Outcome six) {
        return PublishedVips.of(entries, service -> {
            InetAddress a = four.vips().get(service);
            InetAddress aaaa = six.vips().get(service);
            return new ServiceVips(a instanceof Inet4Address v ? v : null, aaaa instanceof Inet6Address v ? v : null,
                    four.failures().get(service), six.failures().get(service));
        });
    }

    /**
     * When a full apply started, had its VIPs durable, had its table built and had it published
     * ({@link System#nanoTime}), and how long the table's build took on its own thread (from its VIPs
     * decided, while they were made durable): its line says where a slow apply spent its time.
     */
    private record Marks(long start, long vips, long buildNanos, long table, long published) {
    }

    /** The line of a full apply; at DEBUG only for a retry failing again as before ({@code again}). */
    private void logApplied(boolean again, int services, int names, int unallocated, Marks marks) {
        String line = "catalog applied: {} services, {} names, {} entries skipped, {} without VIP, in {} ms"
                + " (VIPs durable after {} ms, table built in {} ms beside them and ready after {} ms, published"
                + " after {} ms)";
        Object[] figures = {services, names, current.problems().size(), unallocated, millisSince(marks.start()),
                millisBetween(marks.start(), marks.vips()), Duration.ofNanos(marks.buildNanos()).toMillis(),
                millisBetween(marks.start(), marks.table()), millisBetween(marks.start(), marks.published())};
        if (again) {
            log.debug(line, figures);
        } else {
            log.info(line, figures);
        }
    }

    private static long millisSince(long startNanos) {
        return millisBetween(startNanos, System.nanoTime());
    }

    private static long millisBetween(long fromNanos, long toNanos) {
        return Duration.ofNanos(toNanos - fromNanos).toMillis();
    }

    /** Logs the services without a VIP; at DEBUG only for a retry failing again as before ({@code again}). */
    private void report(Map<String, String> four, Map<String, String> six, boolean again) {
        Map<String, String> all = new LinkedHashMap<>(four);
        six.forEach((service, why) -> all.merge(service, why, (a, b) -> a + "; " + b));
        if (all.isEmpty() || again && !log.isDebugEnabled()) {
            return;
        }
        String named = all.entrySet().stream().limit(MAX_NAMED_FAILURES)
                .map(failure -> failure.getKey() + " (" + failure.getValue() + ")")
                .collect(Collectors.joining(", "));
        String more = all.size() > MAX_NAMED_FAILURES ? " and " + (all.size() - MAX_NAMED_FAILURES) + " more" : "";
        String line = "{} services have no VIP and answer SERVFAIL: {}{}";
        if (again) {
            log.debug(line, all.size(), named, more);
        } else {
            log.error(line, all.size(), named, more);
        }
    }

    private Readiness readiness(Map<String, String> four, Map<String, String> six) {
        Readiness ready = Readiness.READY;
        Optional<String> storeFailing = outage.readinessDetail();
        if (storeFailing.isPresent()) {
            ready = ready.withDetail(storeFailing.get());
        }
        if (!four.isEmpty() || !six.isEmpty()) {
            String example = Stream.concat(four.values().stream(), six.values().stream()).findFirst().orElse("");
            ready = ready.withDetail((four.size() + six.size()) + " services without a VIP (SERVFAIL): " + example);
        }
        return ready;
    }

    private static Optional<Instant> earliest(Optional<Instant> a, Optional<Instant> b) {
        if (a.isEmpty()) {
            return b;
        }
        return b.isEmpty() || a.get().isBefore(b.get()) ? a : b;
    }
}
