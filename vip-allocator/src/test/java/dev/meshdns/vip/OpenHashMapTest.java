package dev.meshdns.vip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OpenHashMapTest {

    /** A key whose hash is the same for every value: every entry collides. */
    private record Colliding(int value) {
        @Override
        public int hashCode() {
            return 7;
        }
    }

    @Test
    void anEmptyMapHasNothing() {
        Map<String, Integer> map = new OpenHashMap<>();

        assertThat(map).isEmpty();
        assertThat(map.get("web")).isNull();
        assertThat(map.containsKey("web")).isFalse();
        assertThat(map.remove("web")).isNull();
        assertThat(map.get(null)).isNull();
    }

    @Test
    void putReplacesTheValueOfAKeyAndReturnsTheOldOne() {
        Map<String, Integer> map = new OpenHashMap<>();

        assertThat(map.put("web", 1)).isNull();
        assertThat(map.put("web", 2)).isEqualTo(1);

        assertThat(map).containsOnly(Map.entry("web", 2));
    }

    @Test
    void aNullValueIsAValueAndANullKeyIsRefused() {
        Map<String, Integer> map = new OpenHashMap<>();

        map.put("web", null);

        assertThat(map.containsKey("web")).isTrue();
        assertThat(map).hasSize(1);
        assertThatThrownBy(() -> map.put(null, 1)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void collidingKeysAreAllKeptAndRemovingOneInTheMiddleOfTheRunLeavesTheOthersFindable() {
        Map<Colliding, Integer> map = new OpenHashMap<>();
        for (int i = 0; i < 50; i++) {
            map.put(new Colliding(i), i);
        }

        map.remove(new Colliding(20));
        map.put(new Colliding(99), 99);

        assertThat(map).hasSize(50);
        for (int i = 0; i < 50; i++) {
            assertThat(map.get(new Colliding(i))).isEqualTo(i == 20 ? null : i);
        }
        assertThat(map.get(new Colliding(99))).isEqualTo(99);
    }

    @Test
    void growingFarPastItsFirstSizeKeepsEveryEntry() {
        Map<Integer, Integer> map = new OpenHashMap<>(1);
        for (int i = 0; i < 100_000; i++) {
            map.put(i, -i);
        }

        assertThat(map).hasSize(100_000);
        for (int i = 0; i < 100_000; i++) {
            assertThat(map.get(i)).isEqualTo(-i);
        }
    }

    @Test
    void removingThroughTheIteratorVisitsEveryOtherEntryOnce() {
        Map<Integer, Integer> map = new OpenHashMap<>();
        for (int i = 0; i < 1000; i++) {
            map.put(i, i);
        }
        Map<Integer, Integer> seen = new HashMap<>();

        for (Iterator<Map.Entry<Integer, Integer>> it = map.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Integer, Integer> entry = it.next();
            assertThat(seen.put(entry.getKey(), entry.getValue())).isNull();
            if (entry.getKey() % 2 == 0) {
                it.remove();
            }
        }

        assertThat(seen).hasSize(1000);
        assertThat(map).hasSize(500).allSatisfy((key, value) -> assertThat(key % 2).isOne());
        map.keySet().removeIf(key -> key < 500);
        assertThat(map).hasSize(250);
    }

    @Test
    void aMapKeptBusyWithPutsAndRemovesStaysEqualToAHashMap() {
        // Tombstones pile up and are cleared by the resizes; the map must never lose or invent an entry.
        Random random = new Random(12);
        Map<Integer, Integer> map = new OpenHashMap<>();
        Map<Integer, Integer> expected = new HashMap<>();
        for (int step = 0; step < 200_000; step++) {
            int key = random.nextInt(2000);
            int op = random.nextInt(6);
            if (op < 2) {
                assertThat(map.remove(key)).isEqualTo(expected.remove(key));
            } else if (op == 2) {
                assertThat(map.putIfAbsent(key, step)).isEqualTo(expected.putIfAbsent(key, step));
            } else {
                assertThat(map.put(key, step)).isEqualTo(expected.put(key, step));
            }
        }

        assertThat(map).isEqualTo(expected);
        assertThat(map.hashCode()).isEqualTo(expected.hashCode());
        Map<Integer, Integer> visited = new HashMap<>();
        map.forEach(visited::put);
        assertThat(visited).isEqualTo(expected);
    }

    @Test
    void aKeyWhoseMixedHashIsZeroAndOneWhoseMixedHashIsOneAreBothKeptApart() {
        // 0 marks a free slot, so a key hashing to it is kept under 1: the two must not be confused.
        int hashingToOne = 340_573_321; // times 0x9E3779B9, folded by its upper half: 1
        Map<Integer, String> map = new OpenHashMap<>();

        map.put(0, "zero");
        map.put(hashingToOne, "one");

        assertThat(map).containsOnly(Map.entry(0, "zero"), Map.entry(hashingToOne, "one"));
        assertThat(map.remove(0)).isEqualTo("zero");
        assertThat(map.get(hashingToOne)).isEqualTo("one");
        assertThat(map.get(0)).isNull();
    }

    @Test
    void putIfAbsentKeepsAHeldValueAndFillsANullOne() {
        Map<String, Integer> map = new OpenHashMap<>();
        map.put("web", 1);
        map.put("db", null);

        assertThat(map.putIfAbsent("web", 2)).isEqualTo(1);
        assertThat(map.putIfAbsent("db", 3)).isNull();
        assertThat(map.putIfAbsent("api", 4)).isNull();

        assertThat(map).containsOnly(Map.entry("web", 1), Map.entry("db", 3), Map.entry("api", 4));
    }

    @Test
    void clearEmptiesTheMapForNewEntries() {
        Map<String, Integer> map = new OpenHashMap<>();
        map.put("web", 1);

        map.clear();
        map.put("api", 2);

        assertThat(map).containsOnly(Map.entry("api", 2));
    }

    @Test
    void anEntryChangedThroughTheIteratorChangesTheMap() {
        Map<String, Integer> map = new OpenHashMap<>();
        map.put("web", 1);

        map.entrySet().iterator().next().setValue(5);

        assertThat(map.get("web")).isEqualTo(5);
    }

    @Test
    void aMapMadeForItsEntriesHoldsThemWithoutGrowingAndNearlyFull() {
        OpenHashMap<String, Integer> map = new OpenHashMap<>(100_000);
        int slots = map.capacity();
        for (int i = 0; i < 100_000; i++) {
            map.put("svc-" + i, i);
        }

        assertThat(map.capacity()).isEqualTo(slots).isLessThanOrEqualTo(100_000 * 10 / 7 + 2);
        assertThat(map).hasSize(100_000).containsEntry("svc-99999", 99_999).containsEntry("svc-0", 0);
    }

    @Test
    void aReservedMapTakesABatchOfNewKeysAndASixteenthMoreWithoutGrowingAndAfterwardsGrowsByHalf() {
        OpenHashMap<String, Integer> map = new OpenHashMap<>();
        map.put("first", 0);

        map.reserve(100_000);
        int slots = map.capacity();
        for (int i = 1; i < 100_000; i++) {
            map.put("svc-" + i, i);
        }
        int afterBatch = map.capacity();
        for (int i = 100_000; i < 106_000; i++) {
            map.put("svc-" + i, i);
        }
        int afterFew = map.capacity();
        map.reserve(106_300);

        assertThat(afterBatch).isEqualTo(slots).isLessThanOrEqualTo(106_250 * 10 / 7 + 2);
        assertThat(afterFew).as("a sixteenth more fits without growing").isEqualTo(slots);
        assertThat(map.capacity()).as("grown by half for a few more").isGreaterThanOrEqualTo(150_000 * 10 / 7);
        assertThat(map).hasSize(106_000).containsEntry("first", 0).containsEntry("svc-105999", 105_999);
    }

    @Test
    void keysPutInTheIterationOrderOfAnotherMapSpreadOverTheSlotsOfOneThatGrowsMeanwhile() {
        // A replica receives its entries in the order of the sender's own map of them.
        OpenHashMap<String, Integer> sent = new OpenHashMap<>(200_000);
        for (int i = 0; i < 200_000; i++) {
            sent.put(String.format("svc-%06d", i), i);
        }
        OpenHashMap<String, Integer> received = new OpenHashMap<>();
        sent.forEach(received::put);

        assertThat(received).isEqualTo(sent);
        // Linear probing at most 70 % full: a few slots per put (its lookup, then the free slot).
        // Scaled onto the slots, each put probed one cluster of the keys put so far.
        assertThat(received.probes()).isLessThan(10L * sent.size());
    }
}
