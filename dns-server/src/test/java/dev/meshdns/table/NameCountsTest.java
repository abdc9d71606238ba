package dev.meshdns.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NameCountsTest {

    @Test
    void aNameWithoutACountHasZero() {
        NameCounts counts = new NameCounts(0);

        assertThat(counts.get(WireName.of("svc.80.mesh"))).isZero();
        assertThat(counts.size()).isZero();
    }

    @Test
    void countsAddUpPerNameAndNamesAreComparedByTheirBytes() {
        NameCounts counts = new NameCounts(4);

        counts.add(WireName.of("svc.80.mesh"), 1);
        counts.add(WireName.of("svc.80.mesh"), 2);
        counts.add(WireName.of("80.mesh"), 1);

        assertThat(counts.get(WireName.of("svc.80.mesh"))).isEqualTo(3);
        assertThat(counts.get(WireName.of("80.mesh"))).isOne();
        assertThat(counts.size()).isEqualTo(2);
    }

    @Test
    void aCountFallingToZeroRemovesTheName() {
        NameCounts counts = new NameCounts(4);
        counts.add(WireName.of("a.mesh"), 2);

        counts.add(WireName.of("a.mesh"), -2);

        assertThat(counts.get(WireName.of("a.mesh"))).isZero();
        assertThat(counts.size()).isZero();
    }

    @Test
    void aNegativeDeltaForANameWithoutACountAddsNothing() {
        NameCounts counts = new NameCounts(4);

        counts.add(WireName.of("a.mesh"), -1);

        assertThat(counts.size()).isZero();
        assertThat(counts.get(WireName.of("a.mesh"))).isZero();
    }

    @Test
    void addOneReadsTheNameInPlaceAndCopiesItOnlyTheFirstTime() {
        NameCounts counts = new NameCounts(1);
        byte[] buf = WireName.of("x.svc.80.mesh"); // svc.80.mesh starts at 2, 80.mesh at 6
        int svc = 2;
        int port = 6;

        byte[] first = counts.addOne(buf, svc, buf.length);
        byte[] again = counts.addOne(buf, svc, buf.length);
        byte[] other = counts.addOne(buf, port, buf.length);
        buf[svc + 1] = 'S'; // the caller's bytes change later: the kept copy does not

        assertThat(first).isEqualTo(WireName.of("svc.80.mesh"));
        assertThat(again).isNull();
        assertThat(other).isEqualTo(WireName.of("80.mesh"));
        assertThat(counts.get(WireName.of("svc.80.mesh"))).isEqualTo(2);
        assertThat(counts.get(WireName.of("80.mesh"))).isOne();
        assertThat(counts.size()).isEqualTo(2);
    }

    @Test
    void addOneCountsLikeAddOfTheSameNames() {
        NameCounts inPlace = new NameCounts(1);
        NameCounts copied = new NameCounts(1);
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            byte[] wire = WireName.of("h" + random.nextInt(3000) + ".r" + random.nextInt(40) + ".mesh");
            int from = WireName.parent(wire, 0);
            inPlace.addOne(wire, from, wire.length);
            copied.add(java.util.Arrays.copyOfRange(wire, from, wire.length), 1);
        }

        assertThat(inPlace.size()).isEqualTo(copied.size()).isEqualTo(40);
        for (int r = 0; r < 40; r++) {
            byte[] name = WireName.of("r" + r + ".mesh");
            assertThat(inPlace.get(name)).isEqualTo(copied.get(name)).isPositive();
        }
    }

    @Test
    void growingPastItsFirstSizeKeepsEveryCount() {
        NameCounts counts = new NameCounts(1);
        for (int i = 0; i < 5000; i++) {
            counts.add(WireName.of("n" + i + ".mesh"), i + 1);
        }

        assertThat(counts.size()).isEqualTo(5000);
        for (int i = 0; i < 5000; i++) {
            assertThat(counts.get(WireName.of("n" + i + ".mesh"))).as("n%d", i).isEqualTo(i + 1);
        }
    }

    @Test
    void removalsInsideRunsOfCollidingNamesLeaveTheOthersFindable() {
        // Random adds and removals in a small table (long probe runs, wrapping at its end), checked against a map.
        Random random = new Random(12);
        NameCounts counts = new NameCounts(8);
        Map<String, Integer> expected = new HashMap<>();
        for (int step = 0; step < 20_000; step++) {
            String name = "s" + random.nextInt(40) + ".mesh";
            int delta = random.nextInt(5) - 2;
            counts.add(WireName.of(name), delta);
            int now = expected.getOrDefault(name, 0) + delta;
            if (now > 0) {
                expected.put(name, now);
            } else if (expected.containsKey(name)) {
                expected.remove(name);
            }
            // A delta for a name without a count adds it only when positive.
            assertThat(counts.size()).as("step %d", step).isEqualTo(expected.size());
        }
        for (int i = 0; i < 40; i++) {
            String name = "s" + i + ".mesh";
            assertThat(counts.get(WireName.of(name))).as(name).isEqualTo(expected.getOrDefault(name, 0));
        }
    }
}
