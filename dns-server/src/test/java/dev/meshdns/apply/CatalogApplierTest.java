package dev.meshdns.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.admin.Metrics;
import dev.meshdns.admin.Readiness;
import dev.meshdns.catalog.Catalog;
import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.table.LiveTable;
import dev.meshdns.table.NameTable;
import dev.meshdns.table.Node;
import dev.meshdns.table.ServiceVips;
import dev.meshdns.table.ZoneSpec;
import dev.meshdns.vip.VipStore.Allocation;
import dev.meshdns.vip.Cidr;
import dev.meshdns.vip.VipAllocator;
import dev.meshdns.vip.store.FileVipStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The catalog flow over a real file store: which changes are patched in and what they leave durable. */
class CatalogApplierTest {
    private static final Cidr POOL = Cidr.parse("240.0.0.0/4");
    private static final ZoneSpec SPEC = new ZoneSpec("mesh", 30, POOL);

    @TempDir
    Path dataDir;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicReference<NameTable> tables = new AtomicReference<>();
    private FileVipStore store;
    private VipAllocator allocator;
    private CatalogApplier applier;

    @BeforeEach
    void open() throws IOException {
        store = FileVipStore.open(dataDir);
        allocator = VipAllocator.open(store, POOL, "mesh", Duration.ofHours(1), Clock.systemUTC());
        applier = new CatalogApplier(SPEC, VipSource.of(allocator), VipSource.NONE, tables,
                new AtomicReference<>(Readiness.notReady("test")), new Metrics(registry), Clock.systemUTC(),
                EntryFeed.NONE);
    }

    @AfterEach
    void close() throws IOException {
        store.close();
    }

    @Test
    void theSameServicesListedInAnotherOrderAnswerTheSameVipsFromAnEmptyStore(@TempDir Path otherDir)
            throws IOException {
        // 24 services in a pool of 30 addresses: many prefer, or probe into, an address another one prefers.
        Cidr small = Cidr.parse("10.9.8.0/27");
        List<String> services = IntStream.range(0, 24).mapToObj(i -> "svc-" + i).toList();
        List<String> reversed = new ArrayList<>(services);
        Collections.reverse(reversed);

        Map<String, InetAddress> listed = answeredVips(small, dataDir.resolve("listed"), services);
        Map<String, InetAddress> backwards = answeredVips(small, otherDir, reversed);

        assertThat(backwards).hasSize(24).isEqualTo(listed);
    }

    @Test
    void theHookBeforeTheFirstPublishSeesThatTableStillUnpublishedAndRunsOnce() {
        List<NameTable> seen = new ArrayList<>();
        List<NameTable> publishedThen = new ArrayList<>();
        applier.beforeFirstPublish(table -> {
            seen.add(table);
            publishedThen.add(tables.get());
        });

        applier.apply(catalog("web", "api"));
        NameTable first = tables.get();
        applier.apply(catalog("web", "api", "db"));
        applier.apply(catalog("web"));

        assertThat(seen).as("once, with the first table").containsExactly(first);
        assertThat(publishedThen).as("what answered meanwhile").containsExactly((NameTable) null);
        assertThat(first.find("api.mesh")).isNotNull();
    }

    @Test
    void anAddedServiceIsPatchedInWithADurableVip() throws IOException {
        applier.apply(catalog("web", "api"));

        applier.apply(catalog("web", "api", "db"));

        assertThat(applies("full")).isEqualTo(1);
        assertThat(applies("patch")).isEqualTo(1);
        assertThat(vipOf("db.mesh")).isEqualTo(durableVipOf("db"));
        assertThat(vipOf("web.mesh")).isEqualTo(durableVipOf("web"));
    }

    @Test
    void aRemovedServiceIsPatchedOutAndItsVipReleased() throws IOException {
        applier.apply(catalog("web", "api"));
        InetAddress api = durableVipOf("api");

        applier.apply(catalog("web"));

        assertThat(applies("patch")).isEqualTo(1);
        assertThat(tables.get().find("api.mesh")).isNull();
        assertThat(allocator.allocations()).containsOnlyKeys("web");
        assertThat(store.load().rows()).anySatisfy(row -> {
            assertThat(row.service()).isEqualTo("api");
            assertThat(row.address()).isEqualTo(api);
            assertThat(row.isHeld()).isFalse();
        });
    }

    @Test
    void aChangedHostnameIsPatchedAndTheServiceKeepsItsVip() throws IOException {
        applier.apply(catalog("web"));
        InetAddress web = durableVipOf("web");

        applier.apply(new Catalog(List.of(new ServiceEntry("web", List.of("web.shop.example"), null, null,
                List.of())), List.of()));

        assertThat(applies("patch")).isEqualTo(1);
        assertThat(vipOf("web.shop.example")).isEqualTo(web);
        assertThat(applier.published().get("web").v4()).isEqualTo(web);
    }

    @Test
    void aPinnedServiceIsAppliedInFull() throws IOException {
        applier.apply(catalog("web"));

        applier.apply(new Catalog(List.of(ServiceEntry.of("web"), new ServiceEntry("db", List.of(),
                (Inet4Address) InetAddress.getByName("240.9.9.9"), null, List.of())), List.of()));

        assertThat(applies("patch")).isZero();
        assertThat(applies("full")).isEqualTo(2);
        assertThat(vipOf("db.mesh")).isEqualTo(InetAddress.getByName("240.9.9.9"));
    }

    @Test
    void anotherReplicasClaimsForOtherServicesDoNotStopAPatch() throws IOException {
        applier.apply(catalog("web"));
        VipAllocator replica = VipAllocator.open(store, POOL, "mesh", Duration.ofHours(1), Clock.systemUTC());
        replica.allocate(List.of("elsewhere"), Set.of());

        applier.apply(catalog("web", "db"));

        assertThat(applies("patch")).isEqualTo(1);
        assertThat(vipOf("db.mesh")).isEqualTo(durableVipOf("db"));
    }

    @Test
    void anotherReplicaReleasingAnAnsweredServiceMakesTheApplyFullAndTheServiceIsHeldAgain() throws IOException {
        applier.apply(catalog("web", "api"));
        InetAddress api = durableVipOf("api");
        VipAllocator replica = VipAllocator.open(store, POOL, "mesh", Duration.ofHours(1), Clock.systemUTC());
        replica.release(List.of("api"));

        applier.apply(catalog("web", "api", "db"));

        assertThat(applies("patch")).isZero();
        assertThat(applies("full")).isEqualTo(2);
        assertThat(durableVipOf("api")).as("held again, same address").isEqualTo(api);
        assertThat(vipOf("api.mesh")).isEqualTo(api);
    }

    @Test
    void aRefreshFindingOnlyChangesThatMoveNothingAnsweredAppliesNothing() throws IOException {
        applier.apply(catalog("web"));
        VipAllocator replica = VipAllocator.open(store, POOL, "mesh", Duration.ofHours(1), Clock.systemUTC());
        replica.allocate(List.of("web", "elsewhere"), Set.of());

        assertThat(applier.refresh()).isEmpty();

        assertThat(applies("full")).isEqualTo(1);
        assertThat(vipOf("web.mesh")).isEqualTo(durableVipOf("web"));
    }

    @Test
    void aRefreshFindingAnAnsweredServiceReleasedAppliesInFull() throws IOException {
        applier.apply(catalog("web"));
        VipAllocator replica = VipAllocator.open(store, POOL, "mesh", Duration.ofHours(1), Clock.systemUTC());
        replica.release(List.of("web"));

        applier.refresh();

        assertThat(applies("full")).isEqualTo(2);
        assertThat(allocator.allocations()).containsOnlyKeys("web");
    }

    @Test
    void manyPatchesLeaveEveryAnsweredVipDurable() throws IOException {
        List<String> services = new ArrayList<>(List.of("s0", "s1", "s2"));
        applier.apply(catalog(services.toArray(String[]::new)));
        for (int i = 3; i < 60; i++) {
            services.add("s" + i);
            if (i % 3 == 0) {
                services.remove(0);
            }
            applier.apply(catalog(services.toArray(String[]::new)));
        }

        assertThat(applies("patch")).isEqualTo(57);
        Map<String, ServiceVips> published = applier.published();
        assertThat(published).containsOnlyKeys(services);
        for (String service : services) {
            assertThat(vipOf(service + ".mesh")).as(service).isEqualTo(durableVipOf(service));
        }
        assertThat(allocator.allocations()).containsOnlyKeys(services);
    }

    @Test
    void patchAfterPatchLeavesTheNamesAFullBuildOfTheCatalogHas() throws IOException {
        Random random = new Random(1201);
        Map<String, ServiceEntry> catalog = new TreeMap<>();
        for (int step = 0; step < 120; step++) {
            String service = "s" + random.nextInt(12);
            if (catalog.containsKey(service) && random.nextInt(3) == 0) {
                catalog.remove(service);
            } else {
                catalog.put(service, new ServiceEntry(service, List.of("h" + random.nextInt(40) + "." + service + ".example"),
                        null, null, List.of()));
            }
            applier.apply(new Catalog(List.copyOf(catalog.values()), List.of()));

            assertThat(Set.copyOf(tables.get().names())).as("step %d: %s", step, catalog.keySet())
                    .isEqualTo(Set.copyOf(LiveTable.build(SPEC, List.copyOf(catalog.values()), applier.published())
                            .table().names()));
        }
        assertThat(applies("patch")).isGreaterThan(100);
    }

    private double applies(String mode) {
        return registry.get("meshdns.catalog.applies").tag("mode", mode).counter().count();
    }

    /** Applies the services, in this order, over a new file store in {@code dir}; each name's answered VIP. */
    private Map<String, InetAddress> answeredVips(Cidr pool, Path dir, List<String> services) throws IOException {
        AtomicReference<NameTable> published = new AtomicReference<>();
        try (FileVipStore own = FileVipStore.open(dir)) {
            CatalogApplier fresh = new CatalogApplier(new ZoneSpec("mesh", 30, pool),
                    VipSource.of(VipAllocator.open(own, pool, "mesh", Duration.ofHours(1), Clock.systemUTC())),
                    VipSource.NONE, published, new AtomicReference<>(Readiness.notReady("test")),
                    new Metrics(new SimpleMeterRegistry()), Clock.systemUTC(), EntryFeed.NONE);
            fresh.apply(catalog(services.toArray(String[]::new)));
        }
        Map<String, InetAddress> vips = new TreeMap<>();
        for (String service : services) {
            vips.put(service, vipOf(published.get(), service + ".mesh"));
        }
        return vips;
    }

    private InetAddress durableVipOf(String service) throws IOException {
        return store.load().rows().stream()
                .filter(row -> row.service().equals(service) && row.isHeld())
                .map(Allocation::address).findFirst().orElseThrow();
    }

    private InetAddress vipOf(String name) throws IOException {
        return vipOf(tables.get(), name);
    }

    private static InetAddress vipOf(NameTable table, String name) throws IOException {
        Node node = table.find(name);
        assertThat(node).as(name).isNotNull();
        byte[] rrset = node.rrset(node.indexOf(1));
        return InetAddress.getByAddress(java.util.Arrays.copyOfRange(rrset, rrset.length - 4, rrset.length));
    }

    private static Catalog catalog(String... services) {
        return new Catalog(java.util.Arrays.stream(services).map(ServiceEntry::of).toList(), List.of());
    }
}
