package dev.meshdns.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshdns.sync.v1.ServiceEntry;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EntriesByNameTest {

    private static VersionedEntry entry(String service, String vip) {
        return VersionedEntry.of(ServiceEntry.newBuilder().setService(service).setVip(vip).build());
    }

    private static List<VersionedEntry> all(EntriesByName entries) {
        List<VersionedEntry> all = new ArrayList<>();
        entries.forEach(all::add);
        return all;
    }

    @Test
    void anEntryIsFoundByItsNameAndAPutOfTheSameNameReplacesIt() {
        EntriesByName entries = new EntriesByName();
        VersionedEntry web = entry("web", "240.0.0.7");
        VersionedEntry moved = entry("web", "240.0.0.8");

        assertThat(entries.put(web)).isNull();
        assertThat(entries.put(moved)).isSameAs(web);

        assertThat(entries.get("web")).isSameAs(moved);
        assertThat(entries.contains("web")).isTrue();
        assertThat(entries.get("api")).isNull();
        assertThat(entries.size()).isEqualTo(1);
    }

    @Test
    void removingAnEntryOfACollidingRunKeepsTheOthersFound() {
        // "Aa", "BB" and "C#" have one hashCode: they share a run of slots.
        EntriesByName entries = EntriesByName.of(List.of(entry("Aa", "240.0.0.1"), entry("BB", "240.0.0.2"),
                entry("C#", "240.0.0.3"), entry("web", "240.0.0.4")));

        assertThat(entries.remove("Aa").name()).isEqualTo("Aa");
        assertThat(entries.remove("Aa")).isNull();

        assertThat(entries.get("BB").name()).isEqualTo("BB");
        assertThat(entries.get("C#").name()).isEqualTo("C#");
        assertThat(entries.get("web").name()).isEqualTo("web");
        assertThat(entries.size()).isEqualTo(3);
    }

    @Test
    void manyPutsAndRemovalsLeaveWhatAMapWouldHold() {
        EntriesByName entries = new EntriesByName();
        Map<String, VersionedEntry> expected = new HashMap<>();
        Random random = new Random(12);
        for (int i = 0; i < 20_000; i++) {
            String name = "svc-" + random.nextInt(3_000);
            if (random.nextInt(3) == 0) {
                assertThat(entries.remove(name)).isSameAs(expected.remove(name));
            } else {
                VersionedEntry entry = entry(name, "240.0." + (i % 250) + ".1");
                assertThat(entries.put(entry)).isSameAs(expected.put(name, entry));
            }
        }

        assertThat(entries.size()).isEqualTo(expected.size());
        assertThat(all(entries)).containsExactlyInAnyOrderElementsOf(expected.values());
        expected.forEach((name, entry) -> assertThat(entries.get(name)).isSameAs(entry));
    }

    @Test
    void ofKeepsTheLastEntryOfANameListedTwice() {
        VersionedEntry second = entry("web", "240.0.0.8");

        EntriesByName entries = EntriesByName.of(List.of(entry("web", "240.0.0.7"), second));

        assertThat(all(entries)).containsExactly(second);
    }

    @Test
    void changingTheEntriesWhileIteratingFailsTheIteration() {
        EntriesByName entries = EntriesByName.of(List.of(entry("web", "240.0.0.7"), entry("api", "240.0.0.8")));
        Iterator<VersionedEntry> iterator = entries.iterator();
        iterator.next();

        entries.remove("web");

        assertThatThrownBy(iterator::next).isInstanceOf(ConcurrentModificationException.class);
    }
}
