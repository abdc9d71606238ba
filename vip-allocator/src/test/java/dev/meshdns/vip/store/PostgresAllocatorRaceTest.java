package dev.meshdns.vip.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.vip.AllocationResult;
import dev.meshdns.vip.Cidr;
import dev.meshdns.vip.MutableClock;
import dev.meshdns.vip.VipAllocator;
import dev.meshdns.vip.VipStore.Allocation;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three allocators (one store each, like three replicas) on one database, same zone and pool,
 * syncing at the same moment, round after round, with a clock moving through the quarantine:
 * either one catalog, or each replica missing a few services it has not heard of yet, so replicas
 * also release what others keep.
 */
class PostgresAllocatorRaceTest {

    private static final int REPLICAS = 3;
    private static final int ROUNDS = 60;
    private static final Cidr POOL = Cidr.parse("240.0.0.0/26");
    private static final Duration QUARANTINE = Duration.ofMinutes(5);

    private PostgresTestDatabase database;
    private final List<PostgresVipStore> stores = new ArrayList<>();
    private final List<VipAllocator> allocators = new ArrayList<>();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T16:00:00Z"));
    private ExecutorService threads;

    @BeforeEach
    void openReplicas() throws Exception {
        database = PostgresTestDatabase.create();
        for (int i = 0; i < REPLICAS; i++) {
            PostgresVipStore store = PostgresVipStore.open(database.url());
            stores.add(store);
            allocators.add(VipAllocator.open(store, POOL, "mesh", QUARANTINE, clock));
        }
        threads = Executors.newFixedThreadPool(REPLICAS);
    }

    @AfterEach
    void close() throws Exception {
        if (threads != null) {
            threads.shutdownNow();
        }
        stores.forEach(PostgresVipStore::close);
        if (database != null) {
            database.close();
        }
    }

    @Test
    void allocatorsSyncingOneCatalogAtOnceAllGetTheSameVipsWithoutFailures() throws Exception {
        syncRounds(false);
    }

    @Test
    void allocatorsSyncingOverlappingCatalogsAtOnceNeverShareAVipAndAgreeAfterRefresh() throws Exception {
        syncRounds(true);
    }

    /** Rounds of simultaneous syncs; with {@code lagging}, each replica misses a tenth of the catalog. */
    private void syncRounds(boolean lagging) throws Exception {
        Random random = new Random(7);
        for (int round = 0; round < ROUNDS; round++) {
            List<String> catalog = IntStream.range(0, 40).filter(i -> random.nextInt(10) < 8)
                    .mapToObj(i -> "svc-" + i).toList();
            CyclicBarrier start = new CyclicBarrier(REPLICAS);
            List<Callable<AllocationResult>> syncs = new ArrayList<>();
            Set<String> releasedBySomeReplica = new HashSet<>();
            for (VipAllocator allocator : allocators) {
                List<String> seen = catalog.stream().filter(s -> !lagging || random.nextInt(10) > 0).toList();
                catalog.stream().filter(s -> !seen.contains(s)).forEach(releasedBySomeReplica::add);
                syncs.add(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    return allocator.sync(seen, Set.of());
                });
            }
            Map<InetAddress, String> serviceByVip = new HashMap<>();
            for (Future<AllocationResult> sync : threads.invokeAll(syncs, 60, TimeUnit.SECONDS)) {
                AllocationResult result = sync.get();
                if (!lagging) {
                    assertThat(result.failures()).as("round %d", round).isEmpty();
                    assertThat(result.vips().keySet()).as("round %d", round).containsExactlyInAnyOrderElementsOf(catalog);
                }
                // A replica that has not seen a service yet releases it; one syncing it at that moment
                // may report it without VIP until its next sync. Nothing else may fail.
                assertThat(releasedBySomeReplica).as("round %d: %s", round, result.failures())
                        .containsAll(result.failures().keySet());
                for (Map.Entry<String, InetAddress> vip : result.vips().entrySet()) {
                    assertThat(serviceByVip.putIfAbsent(vip.getValue(), vip.getKey()))
                            .as("round %d: %s given to %s", round, vip.getValue(), vip.getKey()).isIn(null, vip.getKey());
                }
            }

            for (VipAllocator allocator : allocators) {
                allocator.refresh();
            }
            Map<String, InetAddress> view = allocators.get(0).allocations();
            assertThat(Set.copyOf(view.values())).as("round %d: distinct VIPs", round).hasSize(view.size());
            for (VipAllocator allocator : allocators) {
                assertThat(allocator.allocations()).as("round %d", round).isEqualTo(view);
            }
            assertThat(view).isEqualTo(heldInStore());
            clock.advance(Duration.ofMinutes(1));
        }
    }

    private Map<String, InetAddress> heldInStore() throws Exception {
        return stores.get(0).load().rows().stream().filter(Allocation::isHeld)
                .collect(Collectors.toMap(Allocation::service, Allocation::address));
    }
}
