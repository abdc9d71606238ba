package dev.meshdns.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.catalog.ServiceEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EntriesByServiceTest {

    private static ServiceEntry entry(String service, String hostname) {
        return new ServiceEntry(service, List.of(hostname), null, null, List.of());
    }

    @Test
    void aPutReplacesTheEntryOfItsServiceAndKeepsItsStamp() {
        EntriesByService entries = new EntriesByService(0);
        entries.put(entry("web", "a.example"));
        entries.stamp(entries.slotOf("web"), 7);

        entries.put(entry("web", "b.example"));

        assertThat(entries.get("web")).isEqualTo(entry("web", "b.example"));
        assertThat(entries.stampAt(entries.slotOf("web"))).isEqualTo(7);
        assertThat(entries.size()).isEqualTo(1);
        assertThat(entries.slotOf("api")).isNegative();
        assertThat(entries.get("api")).isNull();
    }

    @Test
    void removingAnEntryOfACollidingRunKeepsTheOthersFoundWithTheirStamps() {
        // "Aa", "BB" and "C#" have one hashCode: they share a run of slots.
        EntriesByService entries = new EntriesByService(3);
        for (String service : List.of("Aa", "BB", "C#")) {
            entries.put(ServiceEntry.of(service));
            entries.stamp(entries.slotOf(service), service.charAt(0));
        }

        entries.remove("Aa");
        entries.remove("Aa");

        assertThat(entries.size()).isEqualTo(2);
        assertThat(entries.get("Aa")).isNull();
        assertThat(entries.stampAt(entries.slotOf("BB"))).isEqualTo('B');
        assertThat(entries.stampAt(entries.slotOf("C#"))).isEqualTo('C');
    }

    @Test
    void manyPutsRemovalsAndStampsLeaveWhatMapsWouldHold() {
        EntriesByService entries = new EntriesByService(0);
        Map<String, ServiceEntry> expected = new HashMap<>();
        Map<String, Integer> stamps = new HashMap<>();
        Random random = new Random(12);
        for (int i = 0; i < 30_000; i++) {
            String service = "svc-" + random.nextInt(3_000);
            switch (random.nextInt(4)) {
                case 0 -> {
                    entries.remove(service);
                    expected.remove(service);
                    stamps.remove(service);
                }
                case 1 -> {
                    if (entries.slotOf(service) >= 0) {
                        entries.stamp(entries.slotOf(service), i);
                        stamps.put(service, i);
                    }
                }
                default -> {
                    ServiceEntry entry = entry(service, "h" + i + ".example");
                    entries.put(entry);
                    expected.put(service, entry);
                    stamps.putIfAbsent(service, 0);
                }
            }
        }

        List<ServiceEntry> all = new ArrayList<>();
        entries.forEach(all::add);
        assertThat(all).containsExactlyInAnyOrderElementsOf(expected.values());
        assertThat(entries.size()).isEqualTo(expected.size());
        stamps.forEach((service, stamp) -> assertThat(entries.stampAt(entries.slotOf(service))).as(service)
                .isEqualTo(stamp));
        List<ServiceEntry> notStamped = new ArrayList<>();
        entries.forEachNotStamped(0, notStamped::add);
        assertThat(notStamped).hasSize((int) stamps.values().stream().filter(stamp -> stamp != 0).count());
    }
}
