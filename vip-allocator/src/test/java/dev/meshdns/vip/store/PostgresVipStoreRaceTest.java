package dev.meshdns.vip.store;

import static dev.meshdns.vip.store.VipStoreContract.ip;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.vip.VipStore.Allocation;
import dev.meshdns.vip.VipStore.View;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three stores on one database, like three replicas, claiming overlapping (service, address)
 * pairs at the same moment, round after round, with releases and a quarantine in between.
 */
class PostgresVipStoreRaceTest {

    private static final int REPLICAS = 3;
    private static final int ROUNDS = 150;
    private static final Duration QUARANTINE = Duration.ofMinutes(30);
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private PostgresTestDatabase database;
    private final List<PostgresVipStore> stores = new ArrayList<>();
    private ExecutorService threads;

    @BeforeEach
    void openReplicas() throws Exception {
        database = PostgresTestDatabase.create();
        for (int i = 0; i < REPLICAS; i++) {
            stores.add(PostgresVipStore.open(database.url()));
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
    void replicasClaimingOverlappingServicesAtOnceNeverShareAnAddressAndEndWithOneView() throws Exception {
        Random random = new Random(42);
        List<Map<List<Object>, Allocation>> views = new ArrayList<>();
        long[] revisions = new long[REPLICAS];
        for (PostgresVipStore store : stores) {
            views.add(new HashMap<>());
        }
        for (int round = 0; round < ROUNDS; round++) {
            Instant now = T0.plus(Duration.ofMinutes(10L * round));
            List<Callable<List<Allocation>>> claims = new ArrayList<>();
            CyclicBarrier start = new CyclicBarrier(REPLICAS);
            for (PostgresVipStore store : stores) {
                List<Allocation> batch = randomClaims(random);
                claims.add(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    return store.claim(batch, QUARANTINE, now);
                });
            }
            List<Allocation> won = new ArrayList<>();
            for (Future<List<Allocation>> result : threads.invokeAll(claims, 30, TimeUnit.SECONDS)) {
                won.addAll(result.get());
            }

            assertOneServicePerAddressAndOneAddressPerService(won);
            assertThat(stores.get(0).load().rows()).containsAll(won);
            for (int i = 0; i < REPLICAS; i++) {
                View changes = stores.get(i).changesSince(revisions[i]);
                apply(views.get(i), changes);
                revisions[i] = changes.revision();
            }
            stores.get(round % REPLICAS).release(randomReleases(random), now.plusSeconds(1));
        }

        View last = stores.get(0).load();
        assertOneServicePerAddressAndOneAddressPerService(last.rows().stream().filter(Allocation::isHeld).toList());
        assertThat(last.rows().stream().map(PostgresVipStoreRaceTest::key).distinct()).hasSize(last.rows().size());
        for (int i = 0; i < REPLICAS; i++) {
            View changes = stores.get(i).changesSince(revisions[i]);
            apply(views.get(i), changes);
            assertThat(stores.get(i).load()).isEqualTo(last);
            assertThat(views.get(i).values()).containsExactlyInAnyOrderElementsOf(last.rows());
            assertThat(changes.revision()).isEqualTo(last.revision());
        }
    }

    private static void apply(Map<List<Object>, Allocation> view, View changes) {
        changes.rows().forEach(row -> view.put(key(row), row));
    }

    private static List<Allocation> randomClaims(Random random) {
        List<Allocation> batch = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String service = "svc-" + random.nextInt(30);
            String address = random.nextInt(4) == 0 ? "fd00::" + (1 + random.nextInt(20)) : "240.0.0." + (1 + random.nextInt(40));
            batch.add(Allocation.held("mesh", service, ip(address)));
        }
        return batch;
    }

    private static List<Allocation> randomReleases(Random random) {
        List<Allocation> rows = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            rows.add(Allocation.held("mesh", "svc-" + random.nextInt(30), ip(random.nextBoolean() ? "240.0.0.1" : "fd00::1")));
        }
        return rows;
    }

    private static void assertOneServicePerAddressAndOneAddressPerService(List<Allocation> held) {
        Map<InetAddress, String> serviceByAddress = new HashMap<>();
        Map<List<Object>, InetAddress> addressByKey = new HashMap<>();
        for (Allocation row : held) {
            String other = serviceByAddress.putIfAbsent(row.address(), row.service());
            assertThat(other).as("holder of %s besides %s", row.address(), row.service()).isIn(null, row.service());
            InetAddress before = addressByKey.putIfAbsent(key(row), row.address());
            assertThat(before).as("address of %s besides %s", row.service(), row.address()).isIn(null, row.address());
        }
    }

    private static List<Object> key(Allocation row) {
        return List.of(row.zone(), row.service(), row.family());
    }
}
