package dev.meshdns.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.catalog.Catalog;
import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.table.LiveTable;
import dev.meshdns.table.NameTable;
import dev.meshdns.table.ServiceVips;
import dev.meshdns.table.ZoneSpec;
import dev.meshdns.vip.Cidr;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SavedTableTest {
    private static final ZoneSpec SPEC = new ZoneSpec("mesh", 30, Cidr.parse("240.0.0.0/24"));

    @TempDir
    Path dir;

    private final List<ServiceEntry> entries = new ArrayList<>();

    SavedTableTest() throws IOException {
        for (int i = 0; i < 50; i++) {
            entries.add(new ServiceEntry("svc" + i, i % 5 == 0 ? List.of("h" + i + ".example") : List.of(), null, null,
                    List.of(8080)));
        }
        entries.add(new ServiceEntry("pinned", List.of(), v4("240.0.0.200"), null, List.of()));
    }

    @Test
    void theSameEntriesInAnyOrderOverTheSameRevisionGetTheTableSaved() throws Exception {
        NameTable table = table(entries);
        save(table, entries, 7);
        List<ServiceEntry> shuffled = new ArrayList<>(entries);
        Collections.shuffle(shuffled, new Random(1));

        Optional<NameTable> read = saved(SPEC, 7).matching(shuffled);

        assertThat(read).isPresent();
        assertThat(read.get().names()).containsExactlyInAnyOrderElementsOf(table.names());
        for (String name : List.of("svc3.mesh", "h10.example", "pinned.mesh")) {
            assertThat(read.get().find(name).rrset(0)).as(name).isEqualTo(table.find(name).rrset(0));
        }
    }

    @Test
    void anotherCatalogStoreRevisionOrZoneIsNotAnsweredFromIt() throws Exception {
        save(table(entries), entries, 7);
        List<ServiceEntry> oneFewer = entries.subList(1, entries.size());
        List<ServiceEntry> oneChanged = new ArrayList<>(entries);
        oneChanged.set(3, new ServiceEntry("svc3", List.of("new.example"), null, null, List.of(8080)));
        List<ServiceEntry> portChanged = new ArrayList<>(entries);
        portChanged.set(4, new ServiceEntry("svc4", List.of(), null, null, List.of(9090)));

        assertThat(saved(SPEC, 7).matching(oneFewer)).as("one entry fewer").isEmpty();
        assertThat(saved(SPEC, 7).matching(oneChanged)).as("a hostname added").isEmpty();
        assertThat(saved(SPEC, 7).matching(portChanged)).as("a port changed").isEmpty();
        assertThat(saved(SPEC, 8).matching(entries)).as("the store written since").isEmpty();
        assertThat(saved(new ZoneSpec("mesh", 60, Cidr.parse("240.0.0.0/24")), 7).matching(entries))
                .as("another TTL").isEmpty();
        assertThat(saved(SPEC, 7).matching(entries)).as("all as saved").isPresent();
    }

    @Test
    void aDamagedOrMissingFileIsNotUsed() throws Exception {
        assertThat(saved(SPEC, 7).matching(entries)).as("no file").isEmpty();
        save(table(entries), entries, 7);
        Path file = dir.resolve(SavedTable.FILE_NAME);
        byte[] good = Files.readAllBytes(file);

        for (int at : new int[] {good.length / 2, good.length - 1, 9}) {
            byte[] flipped = good.clone();
            flipped[at] ^= 0x10;
            Files.write(file, flipped);
            assertThat(saved(SPEC, 7).matching(entries)).as("a bit flipped at %d of %d", at, good.length).isEmpty();
        }
        Files.write(file, java.util.Arrays.copyOf(good, good.length - 100));
        assertThat(saved(SPEC, 7).matching(entries)).as("cut short").isEmpty();
        Files.write(file, "not a table".getBytes());
        assertThat(saved(SPEC, 7).matching(entries)).as("another file").isEmpty();
        Files.write(file, good);
        assertThat(saved(SPEC, 7).matching(entries)).as("as written").isPresent();
    }

    @Test
    void itIsReadOnceAndNeverAfterATableIsPublished() throws Exception {
        NameTable table = table(entries);
        save(table, entries, 7);

        SavedTable once = saved(SPEC, 7);
        assertThat(once.matching(entries)).isPresent();
        assertThat(once.matching(entries)).as("asked again").isEmpty();
        SavedTable published = saved(SPEC, 7);
        published.published(table, new Catalog(entries, List.of()));
        assertThat(published.matching(entries)).as("after a publish").isEmpty();
        published.close();
    }

    @Test
    void aBurstOfPublishesSavesTheLastTable() throws Exception {
        List<ServiceEntry> fewer = entries.subList(0, 10);
        SavedTable saved = saved(SPEC, 7);
        saved.published(table(entries), new Catalog(entries, List.of()));
        saved.published(table(fewer), new Catalog(fewer, List.of()));
        saved.close();

        assertThat(saved(SPEC, 7).matching(entries)).as("the first table of the burst").isEmpty();
        Optional<NameTable> read = saved(SPEC, 7).matching(fewer);
        assertThat(read).as("the last").isPresent();
        assertThat(read.get().entryNames()).isEqualTo(table(fewer).entryNames());
    }

    @Test
    void aTableSavedFromACatalogFileIsFoundByTheFilesBytesBeforeTheyAreParsed() throws Exception {
        byte[] bytes = "- service: svc0\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        save(table(entries), new Catalog(entries, List.of()).readFrom(bytes, bytes.length), 7);

        assertThat(saved(SPEC, 7).matchingSource(Catalog.sourceOf(bytes))).as("the same bytes").isPresent();
        assertThat(saved(SPEC, 7).matchingSource(Catalog.sourceOf("- service: svc1\n".getBytes())))
                .as("other bytes").isEmpty();
        assertThat(saved(SPEC, 8).matchingSource(Catalog.sourceOf(bytes))).as("the store written since").isEmpty();
        assertThat(saved(SPEC, 7).matching(entries)).as("by its entries too").isPresent();

        save(table(entries), entries, 7);
        assertThat(saved(SPEC, 7).matchingSource(Catalog.sourceOf(bytes))).as("saved from no file").isEmpty();
    }

    private SavedTable saved(ZoneSpec spec, long revision) {
        return SavedTable.in(dir, spec, () -> revision);
    }

    /** Saves and waits for the file: close finishes the save. */
    private void save(NameTable table, List<ServiceEntry> from, long revision) {
        save(table, new Catalog(from, List.of()), revision);
    }

    private void save(NameTable table, Catalog from, long revision) {
        SavedTable saved = saved(SPEC, revision);
        saved.published(table, from);
        saved.close();
        assertThat(dir.resolve(SavedTable.FILE_NAME)).exists();
    }

    private static NameTable table(List<ServiceEntry> entries) throws IOException {
        Map<String, ServiceVips> vips = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            ServiceEntry entry = entries.get(i);
            vips.put(entry.service(), new ServiceVips(entry.vip() != null ? entry.vip() : v4("240.0.0." + (i + 1)),
                    null, null, null));
        }
        return LiveTable.build(SPEC, entries, vips).table();
    }

    private static Inet4Address v4(String address) throws IOException {
        return (Inet4Address) InetAddress.getByName(address);
    }
}
