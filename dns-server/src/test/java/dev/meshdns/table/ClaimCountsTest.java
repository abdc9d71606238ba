package dev.meshdns.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ClaimCountsTest {
    @Test
    void countsEveryHashAsAMapWouldThroughGrowth() {
        Random random = new Random(5);
        ClaimCounts counts = new ClaimCounts(4);
        Map<Long, Integer> expected = new HashMap<>();
        for (int i = 0; i < 50_000; i++) {
            long hash = ClaimCounts.hash(WireName.of("svc-" + random.nextInt(20_000) + ".mesh"));
            int claims = 1 + random.nextInt(2);
            counts.add(hash, claims);
            expected.merge(hash, claims, Integer::sum);
        }

        expected.forEach((hash, claims) -> assertThat(counts.get(hash)).isEqualTo(claims));
        assertThat(counts.get(ClaimCounts.hash(WireName.of("other.mesh")))).isZero();
    }

    @Test
    void isSharedOnlyOnceAHashIsAddedTwice() {
        ClaimCounts counts = new ClaimCounts(4);
        counts.add(ClaimCounts.hash(WireName.of("mesh")), 2); // an apex counts two on its own
        for (int i = 0; i < 100; i++) {
            counts.add(ClaimCounts.hash(WireName.of("svc-" + i + ".mesh")), 1);
        }
        assertThat(counts.anyShared()).isFalse();

        counts.add(ClaimCounts.hash(WireName.of("svc-7.mesh")), 1);

        assertThat(counts.anyShared()).isTrue();
    }

    @Test
    void aClaimOfAnApexIsShared() {
        ClaimCounts counts = new ClaimCounts(4);
        counts.add(ClaimCounts.hash(WireName.of("mesh")), 2);

        counts.add(ClaimCounts.hash(WireName.of("mesh")), 1);

        assertThat(counts.anyShared()).isTrue();
    }
}
