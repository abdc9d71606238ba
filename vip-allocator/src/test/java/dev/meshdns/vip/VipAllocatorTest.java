package dev.meshdns.vip;

import static dev.meshdns.vip.CidrTest.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshdns.vip.VipStore.Allocation;
import dev.meshdns.vip.store.FileVipStore;
import java.time.Clock;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VipAllocatorTest {

    private static final Cidr DEFAULT_POOL = Cidr.parse("240.0.0.0/4");
    private static final Cidr TINY_POOL = Cidr.parse("240.0.0.0/30");
    private static final Cidr IPV6_POOL = Cidr.parse("fd00:fd00::/64");
    private static final Duration QUARANTINE = Duration.ofHours(1);
    private static final Instant T0 = Instant.parse("2026-11-26T16:00:00Z");

    @TempDir
    Path dataDir;
    @TempDir
    Path otherDataDir;
    private final MutableClock clock = new MutableClock(T0);
    private RecordingStore store;

    @AfterEach
    void closeStore() throws IOException {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void serviceKeepsItsVipAcrossReopen() throws IOException {
        InetAddress first = open(DEFAULT_POOL).sync(List.of("backend"), Set.of()).vips().get("backend");
        reopen();

        VipAllocator reopened = open(DEFAULT_POOL);

        assertThat(reopened.allocations()).containsExactly(entry("backend", first));
        assertThat(reopened.sync(List.of("backend"), Set.of()).vips()).containsExactly(entry("backend", first));
        assertThat(store.claims()).isEmpty();
        assertThat(store.releases()).isEmpty();
    }

    @Test
    void theVipsComeInTheOrderTheServicesWereAskedIn() throws IOException {
        VipAllocator allocator = open(DEFAULT_POOL);
        allocator.sync(List.of("m", "c"), Set.of()); // two of them held before, the rest claimed now
        List<String> asked = List.of("z", "c", "a", "q", "m", "b", "y");

        AllocationResult result = allocator.sync(asked, Set.of());

        assertThat(result.vips().keySet()).containsExactlyElementsOf(asked);
        assertThat(result.vips().entrySet()).allSatisfy(vip ->
                assertThat(allocator.vipOf(vip.getKey())).isEqualTo(vip.getValue()));
    }

    @Test
    void eachServiceGetsADistinctUsableVip() throws IOException {
        Cidr pool = Cidr.parse("10.9.8.0/24");
        List<String> services = IntStream.range(0, 254).mapToObj(i -> "svc-" + i).toList();

        AllocationResult result = open(pool).sync(services, Set.of());

        assertThat(result.failures()).isEmpty();
        assertThat(Set.copyOf(result.vips().values())).hasSize(254)
                .allMatch(pool::contains)
                .doesNotContain(ip("10.9.8.0"), ip("10.9.8.255"));
    }

    @Test
    void preferredVipDependsOnlyOnZoneAndServiceSoIndependentStoresAgree() throws IOException {
        InetAddress here = open(DEFAULT_POOL).sync(List.of("backend"), Set.of()).vips().get("backend");
        try (FileVipStore other = FileVipStore.open(otherDataDir)) {
            VipAllocator elsewhere = VipAllocator.open(other, DEFAULT_POOL, "mesh", Duration.ofHours(1), Clock.systemUTC());
            elsewhere.sync(List.of("frontend_kong_svc_80", "web"), Set.of());

            assertThat(elsewhere.allocate(List.of("backend"), Set.of()).vips()).containsEntry("backend", here);
        }
    }

    @Test
    void servicesGetTheSameVipsWhateverOrderTheyAreListedIn() throws IOException {
        // 24 services in 30 addresses: many prefer, or probe into, an address another one prefers.
        Cidr pool = Cidr.parse("10.9.8.0/27");
        List<String> services = IntStream.range(0, 24).mapToObj(i -> "svc-" + i).toList();
        List<String> reversed = new ArrayList<>(services);
        Collections.reverse(reversed);

        Map<String, InetAddress> listed = open(pool).sync(services, Set.of()).vips();
        try (FileVipStore other = FileVipStore.open(otherDataDir)) {
            VipAllocator elsewhere = VipAllocator.open(other, pool, "mesh", QUARANTINE, clock);

            assertThat(elsewhere.sync(reversed, Set.of()).vips()).containsExactlyInAnyOrderEntriesOf(listed);
        }
    }

    @Test
    void servicesOfEqualNameHashesGetTheSameVipsWhateverOrderTheyAreListedIn() throws IOException {
        // String.hashCode is equal for all four, and two addresses fit only two of them: which two depends on
        // nothing but their names.
        List<String> sameHash = List.of("BBBB", "AaBB", "BBAa", "AaAa");
        assertThat(sameHash.stream().map(String::hashCode).distinct()).hasSize(1);
        List<String> reversed = new ArrayList<>(sameHash);
        Collections.reverse(reversed);

        AllocationResult listed = open(TINY_POOL).sync(sameHash, Set.of());
        try (FileVipStore other = FileVipStore.open(otherDataDir)) {
            AllocationResult backwards = VipAllocator.open(other, TINY_POOL, "mesh", QUARANTINE, clock)
                    .sync(reversed, Set.of());

            assertThat(listed.vips()).containsOnlyKeys("AaAa", "AaBB");
            assertThat(backwards.vips()).containsExactlyInAnyOrderEntriesOf(listed.vips());
            assertThat(backwards.failures()).containsOnlyKeys("BBAa", "BBBB");
        }
    }

    @Test
    void preferredVipIsPinnedSoUpgradesKeepIt() throws IOException {
        // network + 1 + SHA-256("mesh\0backend") mod (pool size - 2), computed outside Java.
        // If this changes, every deployment's VIPs move when replicas disagree: never change it.
        AllocationResult result = open(DEFAULT_POOL).sync(List.of("backend"), Set.of());

        assertThat(result.vips()).containsEntry("backend", ip("255.114.171.34"));
    }

    @Test
    void preferredIpv6VipIsPinnedToo() throws IOException {
        AllocationResult result = open(IPV6_POOL).sync(List.of("backend"), Set.of());

        assertThat(result.vips()).containsEntry("backend", ip("fd00:fd00::371:87bc:9352:ad4"));
    }

    @Test
    void reservedAddressIsNeverGivenOut() throws IOException {
        InetAddress preferred = open(DEFAULT_POOL).sync(List.of("backend"), Set.of()).vips().get("backend");
        try (FileVipStore other = FileVipStore.open(otherDataDir)) {
            VipAllocator allocator = VipAllocator.open(other, DEFAULT_POOL, "mesh", Duration.ofHours(1), Clock.systemUTC());

            InetAddress given = allocator.sync(List.of("backend"), Set.of(preferred)).vips().get("backend");

            assertThat(given).isNotEqualTo(preferred).satisfies(vip -> assertThat(DEFAULT_POOL.contains(vip)).isTrue());
        }
    }

    @Test
    void heldVipNeverMovesWhileItsServiceStaysLiveEvenWhenReservedLater() throws IOException {
        VipAllocator allocator = open(DEFAULT_POOL);
        InetAddress vip = allocator.sync(List.of("backend"), Set.of()).vips().get("backend");

        AllocationResult result = allocator.sync(List.of("backend", "web"), Set.of(vip));

        assertThat(result.vips()).containsEntry("backend", vip);
        assertThat(store.releases()).isEmpty();
    }

    @Test
    void syncReleasesTheServicesThatLeftAtTheClocksInstant() throws IOException {
        VipAllocator allocator = open(DEFAULT_POOL);
        AllocationResult first = allocator.sync(List.of("a", "b"), Set.of());
        clock.advance(Duration.ofMinutes(5));

        AllocationResult second = allocator.sync(List.of("a"), Set.of());

        assertThat(second.vips()).containsExactly(entry("a", first.vips().get("a")));
        assertThat(allocator.allocations()).containsOnlyKeys("a");
        assertThat(store.load().rows()).contains(
                new Allocation("mesh", "b", first.vips().get("b"), T0.plus(Duration.ofMinutes(5))));
    }

    @Test
    void allocateClaimsWithoutReleasingServicesItWasNotGiven() throws IOException {
        VipAllocator allocator = open(DEFAULT_POOL);
        allocator.sync(List.of("a", "b"), Set.of());

        allocator.allocate(List.of("c"), Set.of());

        assertThat(allocator.allocations()).containsOnlyKeys("a", "b", "c");
        assertThat(store.releases()).isEmpty();
    }

    @Test
    void releaseLetsGoOfTheNamedServicesOnlyAtTheClocksInstant() throws IOException {
        VipAllocator allocator = open(DEFAULT_POOL);
        AllocationResult first = allocator.sync(List.of("a", "b", "c"), Set.of());
        clock.advance(Duration.ofMinutes(5));

        allocator.release(List.of("b", "not-held"));

        assertThat(allocator.allocations()).containsOnlyKeys("a", "c");
        assertThat(store.load().rows()).contains(
                new Allocation("mesh", "b", first.vips().get("b"), T0.plus(Duration.ofMinutes(5))));
    }

    @Test
    void foreignChangesCountsOnlyWhatAnotherWriterDid() throws IOException {
        VipAllocator one = open(DEFAULT_POOL);
        VipAllocator two = VipAllocator.open(store, DEFAULT_POOL, "mesh", QUARANTINE, clock);
        two.allocate(List.of("x"), Set.of());
        two.release(List.of("x"));
        long own = two.foreignChanges();

        one.allocate(List.of("a"), Set.of());
        two.allocate(List.of("y"), Set.of());

        assertThat(own).isZero();
        assertThat(two.foreignChanges()).isEqualTo(1);
    }

    @Test
    void releasedVipGoesToNoOtherServiceUntilTheQuarantineHasPassed() throws IOException {
        VipAllocator allocator = open(TINY_POOL);
        allocator.sync(List.of("a", "b"), Set.of());
        InetAddress vipOfB = allocator.allocations().get("b");
        allocator.sync(List.of("a"), Set.of());
        clock.advance(QUARANTINE.minusSeconds(1));

        assertThat(allocator.sync(List.of("a", "c"), Set.of()).failures()).containsOnlyKeys("c");
        clock.advance(Duration.ofSeconds(1));
        assertThat(allocator.sync(List.of("a", "c"), Set.of()).vips()).containsEntry("c", vipOfB);
    }

    @Test
    void addressOfAServiceThatCameBackWithAnotherVipStaysQuarantinedForItsFullPeriod() throws IOException {
        VipAllocator allocator = open(TINY_POOL);
        InetAddress x = allocator.sync(List.of("a"), Set.of()).vips().get("a");
        allocator.sync(List.of(), Set.of());
        Instant releasedAt = clock.instant();
        clock.advance(Duration.ofMinutes(1));
        InetAddress y = allocator.sync(List.of("a"), Set.of(x)).vips().get("a"); // x pinned meanwhile
        assertThat(y).isNotEqualTo(x);
        clock.advance(Duration.ofMinutes(1));

        AllocationResult stillHeld = allocator.sync(List.of("a", "c"), Set.of());
        AllocationResult releasedAgain = allocator.sync(List.of("c"), Set.of()); // a released again

        assertThat(stillHeld.failures()).containsOnlyKeys("c");
        assertThat(stillHeld.failures().get("c")).contains("1 in quarantine until " + releasedAt.plus(QUARANTINE));
        assertThat(releasedAgain.failures()).containsOnlyKeys("c");
        assertThat(allocator.nextQuarantineEnd()).contains(releasedAt.plus(QUARANTINE));
        clock.advance(QUARANTINE.minusMinutes(2));
        assertThat(allocator.sync(List.of("c"), Set.of()).vips()).containsExactly(entry("c", x));
    }

    @Test
    void addressOfAServiceThatCameBackWithAnotherVipStaysQuarantinedAcrossReopen() throws IOException {
        VipAllocator allocator = open(TINY_POOL);
        InetAddress x = allocator.sync(List.of("a"), Set.of()).vips().get("a");
        allocator.sync(List.of(), Set.of());
        clock.advance(Duration.ofMinutes(1));
        allocator.sync(List.of("a"), Set.of(x));
        reopen();

        AllocationResult result = open(TINY_POOL).sync(List.of("a", "c"), Set.of());

        assertThat(result.failures()).containsOnlyKeys("c");
    }

    @Test
    void serviceThatComesBackWithinTheQuarantineGetsItsOldVip() throws IOException {
        VipAllocator allocator = open(DEFAULT_POOL);
        InetAddress old = allocator.sync(List.of("a", "b"), Set.of()).vips().get("b");
        allocator.sync(List.of("a"), Set.of());
        clock.advance(Duration.ofMinutes(10));

        assertThat(allocator.sync(List.of("a", "b"), Set.of()).vips()).containsEntry("b", old);
    }

    @Test
    void serviceThatComesBackAfterTheQuarantineStillGetsItsOldVipIfNoOneTookIt() throws IOException {
        VipAllocator allocator = open(DEFAULT_POOL);
        allocator.sync(List.of("b"), Set.of());
        InetAddress old = allocator.allocations().get("b");
        allocator.sync(List.of("x"), Set.of());
        allocator.sync(List.of(), Set.of());
        clock.advance(Duration.ofDays(30));

        AllocationResult result = allocator.sync(List.of("b"), Set.of());

        assertThat(result.vips()).containsExactly(entry("b", old));
    }

    @Test
    void serviceThatComesBackGetsANewVipWhenAnotherServiceHoldsItsOldOne() throws IOException {
        VipAllocator allocator = open(TINY_POOL);
        allocator.sync(List.of("a", "b"), Set.of());
        InetAddress old = allocator.allocations().get("b");
        allocator.sync(List.of("a"), Set.of());
        clock.advance(QUARANTINE);
        allocator.sync(List.of("a", "c"), Set.of());

        AllocationResult result = allocator.sync(List.of("a", "c", "b"), Set.of());

        assertThat(result.vips()).containsEntry("c", old).doesNotContainKey("b");
        assertThat(result.failures()).containsOnlyKeys("b");
    }

    @Test
    void nextQuarantineEndIsWhenTheEarliestReleasedAddressBecomesFree() throws IOException {
        VipAllocator allocator = open(DEFAULT_POOL);
        allocator.sync(List.of("a", "b", "c"), Set.of());
        assertThat(allocator.nextQuarantineEnd()).isEmpty();

        allocator.sync(List.of("b", "c"), Set.of());
        clock.advance(Duration.ofMinutes(20));
        allocator.sync(List.of("c"), Set.of());

        assertThat(allocator.nextQuarantineEnd()).contains(T0.plus(QUARANTINE));
        clock.advance(Duration.ofMinutes(40));
        assertThat(allocator.nextQuarantineEnd()).contains(T0.plus(Duration.ofMinutes(20)).plus(QUARANTINE));
        clock.advance(Duration.ofMinutes(20));
        assertThat(allocator.nextQuarantineEnd()).isEmpty();
    }

    @Test
    void aQuarantineEndingBetweenARefusalAndTheQuestionIsStillReportedSoTheCallerRetries() throws IOException {
        VipAllocator allocator = open(TINY_POOL);
        allocator.sync(List.of("a", "b"), Set.of());
        InetAddress vipOfA = allocator.allocations().get("a");
        allocator.sync(List.of("b"), Set.of());
        clock.advance(QUARANTINE.minusMillis(1));
        assertThat(allocator.sync(List.of("b", "c"), Set.of()).failures()).containsOnlyKeys("c");

        clock.advance(Duration.ofMillis(2)); // the quarantine ends before the caller asks when to retry

        assertThat(allocator.nextQuarantineEnd()).contains(T0.plus(QUARANTINE));
        assertThat(allocator.sync(List.of("b", "c"), Set.of()).vips()).containsEntry("c", vipOfA);
        assertThat(allocator.nextQuarantineEnd()).isEmpty();
    }

    @Test
    void exhaustedPoolIsReportedPerServiceWhileOthersKeepTheirVips() throws IOException {
        VipAllocator allocator = open(TINY_POOL);
        AllocationResult first = allocator.sync(List.of("a", "b"), Set.of());

        AllocationResult second = allocator.sync(List.of("a", "c", "b"), Set.of());

        assertThat(first.vips().values()).containsExactlyInAnyOrder(ip("240.0.0.1"), ip("240.0.0.2"));
        assertThat(second.vips()).isEqualTo(first.vips());
        assertThat(second.failures()).containsExactly(entry("c", "pool 240.0.0.0/30 exhausted: 2 addresses, 2 held"));
    }

    @Test
    void exhaustionNamesQuarantinedAddressesAndWhenTheQuarantineEnds() throws IOException {
        VipAllocator allocator = open(TINY_POOL);
        allocator.sync(List.of("a", "b"), Set.of());
        allocator.sync(List.of("a"), Set.of());

        AllocationResult result = allocator.sync(List.of("a", "c"), Set.of());

        assertThat(result.failures()).containsExactly(entry("c",
                "pool 240.0.0.0/30 exhausted: 2 addresses, 1 held, 1 in quarantine until 2026-11-26T17:00:00Z"));
    }

    @Test
    void exhaustionInsideOneBatchFailsOnlyTheServicesThatDidNotFit() throws IOException {
        AllocationResult result = open(TINY_POOL).sync(List.of("a", "b", "c"), Set.of());

        assertThat(result.vips()).containsOnlyKeys("a", "b");
        assertThat(result.failures()).containsOnlyKeys("c");
        assertThat(store.claims()).hasSize(1).first().asList().hasSize(2);
    }

    @Test
    void exhaustionNamesReservedAddresses() throws IOException {
        AllocationResult result = open(TINY_POOL).sync(List.of("a", "b"), Set.of(ip("240.0.0.2")));

        assertThat(result.vips()).containsExactly(entry("a", ip("240.0.0.1")));
        assertThat(result.failures())
                .containsExactly(entry("b", "pool 240.0.0.0/30 exhausted: 2 addresses, 1 held, 1 reserved"));
    }

    @Test
    void newServicesOfOneSyncAreClaimedWithOneStoreCall() throws IOException {
        VipAllocator allocator = open(DEFAULT_POOL);
        allocator.sync(List.of("a", "b"), Set.of());

        AllocationResult result = allocator.sync(List.of("a", "c", "d", "e", "c"), Set.of());

        assertThat(result.vips()).containsOnlyKeys("a", "c", "d", "e");
        assertThat(store.claims()).hasSize(2);
        assertThat(store.claims().get(1)).extracting(Allocation::service).containsExactly("c", "d", "e");
        assertThat(store.claims().get(1)).extracting(Allocation::address)
                .containsExactly(result.vips().get("c"), result.vips().get("d"), result.vips().get("e"));
        assertThat(store.releases()).hasSize(1).first().asList().hasSize(1);
    }

    @Test
    void failedClaimGivesOutNothingAndLeavesTheAddressesFree() throws IOException {
        VipAllocator allocator = open(TINY_POOL);
        store.failNextClaim(new IOException("disk full"));

        assertThatThrownBy(() -> allocator.sync(List.of("a", "b"), Set.of())).hasMessage("disk full");

        assertThat(allocator.allocations()).isEmpty();
        assertThat(allocator.sync(List.of("c", "d"), Set.of()).failures()).isEmpty();
    }

    @Test
    void claimLostToAnotherWriterIsRetriedWithAnotherAddress() throws IOException {
        VipAllocator allocator = open(DEFAULT_POOL);
        store.loseRaces(1);

        AllocationResult result = allocator.sync(List.of("backend"), Set.of());

        assertThat(store.claims()).hasSize(2);
        InetAddress lost = store.claims().get(0).get(0).address();
        assertThat(lost).isEqualTo(ip("255.114.171.34"));
        assertThat(result.vips().get("backend")).isNotNull().isNotEqualTo(lost);
        assertThat(allocator.allocations()).containsOnlyKeys("backend");
    }

    @Test
    void serviceThatLosesEveryRaceIsReportedAfterFiveRounds() throws IOException {
        VipAllocator allocator = open(DEFAULT_POOL);
        store.loseRaces(Integer.MAX_VALUE);

        AllocationResult result = allocator.sync(List.of("backend"), Set.of());

        assertThat(store.claims()).hasSize(VipAllocator.MAX_CLAIM_ROUNDS);
        assertThat(result.failures()).containsExactly(entry("backend",
                "lost the race for a VIP in pool 240.0.0.0/4 5 times: other writers claimed the addresses first"));
    }

    @Test
    void refreshAppliesAnotherWritersClaimsAndReleases() throws IOException {
        VipAllocator one = open(DEFAULT_POOL);
        VipAllocator two = VipAllocator.open(store, DEFAULT_POOL, "mesh", QUARANTINE, clock);
        assertThat(two.refresh()).isFalse();

        one.sync(List.of("a", "b"), Set.of());
        assertThat(two.refresh()).isTrue();
        assertThat(two.allocations()).isEqualTo(one.allocations());

        one.sync(List.of("a"), Set.of());
        assertThat(two.refresh()).isTrue();
        assertThat(two.allocations()).isEqualTo(one.allocations());
        assertThat(two.nextQuarantineEnd()).contains(T0.plus(QUARANTINE));
        assertThat(two.refresh()).isFalse();
    }

    @Test
    void aRefreshDoesNotReadBackWhatItsOwnClaimsWroteToASoleWriterStore() throws IOException {
        VipAllocator allocator = open(DEFAULT_POOL);
        allocator.sync(List.of("a", "b", "c"), Set.of());
        allocator.allocate(List.of("d"), Set.of());
        long read = store.rowsRead();

        assertThat(allocator.refresh()).isFalse();
        allocator.allocate(List.of("e"), Set.of());

        assertThat(store.rowsRead()).isEqualTo(read);
        assertThat(allocator.allocations()).containsOnlyKeys("a", "b", "c", "d", "e");
    }

    @Test
    void aPlanGivesWhatSyncWouldAndItsNewVipsAreDurableOnlyOnceClaimed() throws IOException {
        VipAllocator allocator = open(DEFAULT_POOL);
        InetAddress held = allocator.sync(List.of("a", "gone"), Set.of()).vips().get("a");

        VipAllocator.Planned plan = allocator.plan(List.of("a", "b", "c"), Set.of());

        assertThat(plan.result().vips()).containsOnlyKeys("a", "b", "c").containsEntry("a", held);
        assertThat(store.load().rows()).as("gone released at once, b and c not yet claimed")
                .extracting(Allocation::service, Allocation::isHeld)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("a", true),
                        org.assertj.core.groups.Tuple.tuple("gone", false));
        plan.claim();
        plan.claim(); // once

        assertThat(store.claims()).hasSize(2);
        assertThat(VipAllocator.open(store, DEFAULT_POOL, "mesh", QUARANTINE, clock).allocations())
                .isEqualTo(plan.result().vips());
        assertThat(allocator.sync(List.of("a", "b", "c"), Set.of())).isEqualTo(plan.result());
    }

    @Test
    void withAStoreOfSeveralWritersAPlanIsDurableAtOnce() throws IOException {
        VipAllocator allocator = open(DEFAULT_POOL);
        store.loseRaces(1); // a rival writer: the store is no longer written by this allocator alone

        VipAllocator.Planned plan = allocator.plan(List.of("a"), Set.of());

        assertThat(store.load().rows()).extracting(Allocation::service).contains("a");
        assertThat(plan.result().vips().get("a")).isEqualTo(allocator.vipOf("a"));
    }

    @Test
    void withoutReadingItsOwnClaimsBackItKnowsWhatAFreshAllocatorReadsFromTheStore() throws IOException {
        VipAllocator allocator = open(TINY_POOL);
        allocator.sync(List.of("a", "b"), Set.of());
        allocator.sync(List.of("a"), Set.of());          // b released: its address in quarantine
        clock.advance(Duration.ofMinutes(10));
        allocator.sync(List.of("a", "c"), Set.of());     // c may not take b's address yet
        clock.advance(QUARANTINE);
        allocator.sync(List.of("a", "c", "d"), Set.of()); // now d may
        allocator.sync(List.of("a", "d"), Set.of());

        VipAllocator fresh = VipAllocator.open(store, TINY_POOL, "mesh", QUARANTINE, clock);

        assertThat(allocator.allocations()).isEqualTo(fresh.allocations());
        assertThat(allocator.nextQuarantineEnd()).isEqualTo(fresh.nextQuarantineEnd());
        assertThat(allocator.sync(List.of("a", "d", "e", "f"), Set.of()).failures())
                .isEqualTo(fresh.sync(List.of("a", "d", "e", "f"), Set.of()).failures());
    }

    @Test
    void changesOfAnotherZoneDoNotCountAsChangesOfThisOne() throws IOException {
        VipAllocator mesh = open(DEFAULT_POOL);
        VipAllocator other = VipAllocator.open(store, DEFAULT_POOL, "other", QUARANTINE, clock);

        other.sync(List.of("x"), Set.of());

        assertThat(mesh.refresh()).isFalse();
        assertThat(mesh.allocations()).isEmpty();
    }

    @Test
    void addressesHeldByAnotherZoneAreNotReusedNorListed() throws IOException {
        store = new RecordingStore(FileVipStore.open(dataDir));
        VipAllocator other = VipAllocator.open(store, TINY_POOL, "other", QUARANTINE, clock);
        other.sync(List.of("x", "y"), Set.of());

        VipAllocator mesh = VipAllocator.open(store, TINY_POOL, "mesh", QUARANTINE, clock);

        assertThat(mesh.allocations()).isEmpty();
        assertThat(mesh.sync(List.of("a"), Set.of()).failures()).containsOnlyKeys("a");
    }

    @Test
    void ipv4AndIpv6AllocatorsShareOneStore() throws IOException {
        store = new RecordingStore(FileVipStore.open(dataDir));
        VipAllocator v4 = VipAllocator.open(store, DEFAULT_POOL, "mesh", QUARANTINE, clock);
        VipAllocator v6 = VipAllocator.open(store, IPV6_POOL, "mesh", QUARANTINE, clock);
        Map<String, InetAddress> ipv4 = v4.sync(List.of("a", "b"), Set.of()).vips();
        Map<String, InetAddress> ipv6 = v6.sync(List.of("a", "b"), Set.of()).vips();
        v4.sync(List.of("a"), Set.of());
        reopen();
        store = new RecordingStore(FileVipStore.open(dataDir));

        VipAllocator reopened4 = VipAllocator.open(store, DEFAULT_POOL, "mesh", QUARANTINE, clock);
        VipAllocator reopened6 = VipAllocator.open(store, IPV6_POOL, "mesh", QUARANTINE, clock);

        assertThat(ipv4.values()).allMatch(DEFAULT_POOL::contains);
        assertThat(ipv6.values()).allMatch(IPV6_POOL::contains);
        assertThat(reopened4.allocations()).containsExactly(entry("a", ipv4.get("a")));
        assertThat(reopened6.allocations()).isEqualTo(ipv6);
    }

    @Test
    void ipv6PoolGivesVipsInsideIt() throws IOException {
        AllocationResult result = open(IPV6_POOL).sync(List.of("a", "b"), Set.of());

        assertThat(result.vips().values()).hasSize(2).allMatch(IPV6_POOL::contains).doesNotHaveDuplicates();
    }

    @Test
    void storeHoldingOneAddressForTwoServicesIsRefusedNamingBoth() {
        VipStore contradicting = new FixedViewStore(List.of(
                Allocation.held("mesh", "a", ip("240.0.0.1")), Allocation.held("other", "b", ip("240.0.0.1"))));

        assertThatThrownBy(() -> VipAllocator.open(contradicting, TINY_POOL, "mesh", QUARANTINE, clock))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("240.0.0.1 for both mesh/a and other/b");
    }

    @Test
    void viewListingOneRowTwiceIsRefused() {
        VipStore contradicting = new FixedViewStore(List.of(
                Allocation.held("mesh", "a", ip("240.0.0.1")), Allocation.held("mesh", "a", ip("240.0.0.2"))));

        assertThatThrownBy(() -> VipAllocator.open(contradicting, TINY_POOL, "mesh", QUARANTINE, clock))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("lists mesh/a twice");
    }

    @Test
    void poolWithoutUsableAddressIsRejected() throws IOException {
        store = new RecordingStore(FileVipStore.open(dataDir));

        assertThatThrownBy(() -> VipAllocator.open(store, Cidr.parse("240.0.0.0/31"), "mesh", Duration.ofHours(1), Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pool 240.0.0.0/31 has no usable address");
    }

    private VipAllocator open(Cidr pool) throws IOException {
        store = new RecordingStore(FileVipStore.open(dataDir));
        return VipAllocator.open(store, pool, "mesh", QUARANTINE, clock);
    }

    private void reopen() throws IOException {
        store.close();
        store = null;
    }

    private static <K, V> Map.Entry<K, V> entry(K key, V value) {
        return Map.entry(key, value);
    }

    /** A store whose rows never change: for views a real store would never produce. */
    private record FixedViewStore(List<Allocation> rows) implements VipStore {
        @Override
        public View load() {
            return new View(rows, 1);
        }

        @Override
        public View changesSince(long revision) {
            return new View(List.of(), 1);
        }

        @Override
        public List<Allocation> claim(List<Allocation> claims, Duration quarantine, Instant now) {
            return List.of();
        }

        @Override
        public void release(List<Allocation> released, Instant at) {
        }

        @Override
        public void close() {
        }
    }
}
