package dev.meshdns.vip;

import static dev.meshdns.vip.CidrTest.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshdns.vip.VipStore.Allocation;
import dev.meshdns.vip.store.FileVipStore;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VipAllocatorTest {

    private static final Cidr DEFAULT_POOL = Cidr.parse("240.0.0.0/4");
    private static final Cidr TINY_POOL = Cidr.parse("240.0.0.0/30");

    @TempDir
    Path dataDir;
    @TempDir
    Path otherDataDir;
    private RecordingStore store;

    @AfterEach
    void closeStore() throws IOException {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void serviceKeepsItsVipAcrossReopen() throws IOException {
        InetAddress first = open(DEFAULT_POOL).allocate(List.of("backend"), Set.of()).vips().get("backend");
        reopen();

        VipAllocator reopened = open(DEFAULT_POOL);

        assertThat(reopened.allocations()).containsExactly(entry("backend", first));
        assertThat(reopened.allocate(List.of("backend"), Set.of()).vips()).containsExactly(entry("backend", first));
        assertThat(store.appends()).isEmpty();
    }

    @Test
    void eachServiceGetsADistinctUsableVip() throws IOException {
        Cidr pool = Cidr.parse("10.9.8.0/24");
        List<String> services = IntStream.range(0, 254).mapToObj(i -> "svc-" + i).toList();

        AllocationResult result = open(pool).allocate(services, Set.of());

        assertThat(result.failures()).isEmpty();
        assertThat(Set.copyOf(result.vips().values())).hasSize(254)
                .allMatch(pool::contains)
                .doesNotContain(ip("10.9.8.0"), ip("10.9.8.255"));
    }

    @Test
    void preferredVipDependsOnlyOnZoneAndServiceSoIndependentStoresAgree() throws IOException {
        InetAddress here = open(DEFAULT_POOL).allocate(List.of("backend"), Set.of()).vips().get("backend");
        try (FileVipStore other = FileVipStore.open(otherDataDir)) {
            VipAllocator elsewhere = VipAllocator.open(other, DEFAULT_POOL, "mesh");
            elsewhere.allocate(List.of("frontend_kong_svc_80", "web"), Set.of());

            assertThat(elsewhere.allocate(List.of("backend"), Set.of()).vips()).containsEntry("backend", here);
        }
    }

    @Test
    void preferredVipIsPinnedSoUpgradesKeepIt() throws IOException {
        // network + 1 + SHA-256("mesh\0backend") mod (pool size - 2), computed outside Java.
        // If this changes, every deployment's VIPs move when replicas disagree: never change it.
        AllocationResult result = open(DEFAULT_POOL).allocate(List.of("backend"), Set.of());

        assertThat(result.vips()).containsEntry("backend", ip("255.114.171.34"));
    }

    @Test
    void preferredIpv6VipIsPinnedToo() throws IOException {
        AllocationResult result = open(Cidr.parse("fd00:fd00::/64")).allocate(List.of("backend"), Set.of());

        assertThat(result.vips()).containsEntry("backend", ip("fd00:fd00::371:87bc:9352:ad4"));
    }

    @Test
    void reservedAddressIsNeverGivenOut() throws IOException {
        InetAddress preferred = open(DEFAULT_POOL).allocate(List.of("backend"), Set.of()).vips().get("backend");
        try (FileVipStore other = FileVipStore.open(otherDataDir)) {
            VipAllocator allocator = VipAllocator.open(other, DEFAULT_POOL, "mesh");

            InetAddress given = allocator.allocate(List.of("backend"), Set.of(preferred)).vips().get("backend");

            assertThat(given).isNotEqualTo(preferred).satisfies(vip -> assertThat(DEFAULT_POOL.contains(vip)).isTrue());
        }
    }

    @Test
    void exhaustedPoolIsReportedPerServiceWhileOthersKeepTheirVips() throws IOException {
        VipAllocator allocator = open(TINY_POOL);
        AllocationResult first = allocator.allocate(List.of("a", "b"), Set.of());

        AllocationResult second = allocator.allocate(List.of("a", "c", "b"), Set.of());

        assertThat(first.vips().values()).containsExactlyInAnyOrder(ip("240.0.0.1"), ip("240.0.0.2"));
        assertThat(second.vips()).isEqualTo(first.vips());
        assertThat(second.failures()).containsExactly(entry("c", "pool 240.0.0.0/30 exhausted: 2 addresses, all held"));
    }

    @Test
    void exhaustionInsideOneBatchFailsOnlyTheServicesThatDidNotFit() throws IOException {
        AllocationResult result = open(TINY_POOL).allocate(List.of("a", "b", "c"), Set.of());

        assertThat(result.vips()).containsOnlyKeys("a", "b");
        assertThat(result.failures()).containsOnlyKeys("c");
        assertThat(store.appends()).hasSize(1).first().asList().hasSize(2);
    }

    @Test
    void exhaustionNamesReservedAddresses() throws IOException {
        AllocationResult result = open(TINY_POOL).allocate(List.of("a", "b"), Set.of(ip("240.0.0.2")));

        assertThat(result.vips()).containsExactly(entry("a", ip("240.0.0.1")));
        assertThat(result.failures())
                .containsExactly(entry("b", "pool 240.0.0.0/30 exhausted: 2 addresses, 1 held, 1 reserved"));
    }

    @Test
    void newServicesOfOneBatchAreMadeDurableWithOneAppend() throws IOException {
        VipAllocator allocator = open(DEFAULT_POOL);
        allocator.allocate(List.of("a", "b"), Set.of());

        AllocationResult result = allocator.allocate(List.of("a", "c", "d", "e", "c"), Set.of());

        assertThat(result.vips()).containsOnlyKeys("a", "c", "d", "e");
        assertThat(store.appends()).hasSize(2);
        assertThat(store.appends().get(1)).extracting(Allocation::service).containsExactly("c", "d", "e");
        assertThat(store.appends().get(1)).extracting(Allocation::address)
                .containsExactly(result.vips().get("c"), result.vips().get("d"), result.vips().get("e"));
    }

    @Test
    void failedAppendGivesOutNothingAndLeavesTheAddressesFree() throws IOException {
        VipAllocator allocator = open(TINY_POOL);
        store.failNextAppend(new IOException("disk full"));

        assertThatThrownBy(() -> allocator.allocate(List.of("a", "b"), Set.of())).hasMessage("disk full");

        assertThat(allocator.allocations()).isEmpty();
        assertThat(allocator.allocate(List.of("c", "d"), Set.of()).failures()).isEmpty();
    }

    @Test
    void addressesHeldByAnotherZoneAreNotReusedNorListed() throws IOException {
        store = new RecordingStore(FileVipStore.open(dataDir));
        VipAllocator other = VipAllocator.open(store, TINY_POOL, "other");
        other.allocate(List.of("x", "y"), Set.of());

        VipAllocator mesh = VipAllocator.open(store, TINY_POOL, "mesh");

        assertThat(mesh.allocations()).isEmpty();
        assertThat(mesh.allocate(List.of("a"), Set.of()).failures()).containsOnlyKeys("a");
    }

    @Test
    void ipv6PoolGivesVipsInsideIt() throws IOException {
        Cidr pool = Cidr.parse("fd00:fd00::/64");

        AllocationResult result = open(pool).allocate(List.of("a", "b"), Set.of());

        assertThat(result.vips().values()).hasSize(2).allMatch(pool::contains).doesNotHaveDuplicates();
    }

    @Test
    void storeHoldingOneAddressForTwoServicesIsRefused() throws IOException {
        store = new RecordingStore(FileVipStore.open(dataDir));
        store.append(List.of(new Allocation("mesh", "a", ip("240.0.0.1")), new Allocation("mesh", "b", ip("240.0.0.1"))));

        assertThatThrownBy(() -> VipAllocator.open(store, TINY_POOL, "mesh"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("240.0.0.1 for both mesh/a and mesh/b");
    }

    @Test
    void poolWithoutUsableAddressIsRejected() throws IOException {
        store = new RecordingStore(FileVipStore.open(dataDir));

        assertThatThrownBy(() -> VipAllocator.open(store, Cidr.parse("240.0.0.0/31"), "mesh"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pool 240.0.0.0/31 has no usable address");
    }

    private VipAllocator open(Cidr pool) throws IOException {
        store = new RecordingStore(FileVipStore.open(dataDir));
        return VipAllocator.open(store, pool, "mesh");
    }

    private void reopen() throws IOException {
        store.close();
        store = null;
    }

    private static <K, V> java.util.Map.Entry<K, V> entry(K key, V value) {
        return java.util.Map.entry(key, value);
    }
}
