package dev.meshdns.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.wire.Wire;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TableImageTest {

    @Test
    void aTableReadBackAnswersEveryNameAsTheTableWrittenWhetherBuiltOrPatched() throws Exception {
        Random random = new Random(20261202);
        int patchedTables = 0;
        for (int run = 0; run < 100; run++) {
            Map<String, ServiceEntry> catalog = new LinkedHashMap<>();
            Map<String, ServiceVips> vips = new LinkedHashMap<>();
            for (int i = random.nextInt(8); i > 0; i--) {
                String service = LiveTableTest.pick(random, LiveTableTest.SERVICES);
                catalog.put(service, LiveTableTest.entry(random, service));
                vips.put(service, LiveTableTest.vips(random));
            }
            LiveTable live = LiveTable.build(LiveTableTest.SPEC, List.copyOf(catalog.values()), vips);
            for (int step = random.nextInt(4); step > 0; step--) {
                String service = LiveTableTest.pick(random, LiveTableTest.SERVICES);
                ServiceEntry entry = LiveTableTest.entry(random, service);
                ServiceVips addresses = LiveTableTest.vips(random);
                Optional<LiveTable> patched = live.patch(List.of(new LiveTable.Change(entry, addresses)),
                        LiveTableTest.state(catalog, vips));
                catalog.put(service, entry);
                vips.put(service, addresses);
                live = patched.orElseGet(() -> LiveTable.build(LiveTableTest.SPEC, List.copyOf(catalog.values()), vips));
                patchedTables += patched.isPresent() ? 1 : 0;
            }

            NameTable read = readBack(write(live.table()));

            assertSameTable(read, live.table(), "run " + run);
        }
        assertThat(patchedTables).as("tables patched (sharing an arena with dead nodes) written").isGreaterThan(20);
    }

    @Test
    void aTableOfManyChunksAndSegmentsReadsBackWhole() throws Exception {
        List<ServiceEntry> entries = IntStream.range(0, 30_000)
                .mapToObj(i -> new ServiceEntry("service-number-" + i, List.of("host-" + i + ".example"), null, null,
                        List.of()))
                .toList();
        Map<String, ServiceVips> vips = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            vips.put(entries.get(i).service(), new ServiceVips(LiveTableTest.v4("240.0." + (i >> 8) % 256 + "."
                    + i % 256), null, null, null));
        }
        NameTable table = LiveTable.build(new ZoneSpec("mesh", 30, dev.meshdns.vip.Cidr.parse("240.0.0.0/12")),
                entries, vips).table();
        assertThat(table.image().chunks().length).as("arena chunks").isGreaterThan(1);
        assertThat(table.segmentCount()).as("segments").isGreaterThan(1);

        assertSameTable(readBack(write(table)), table, "30,000 services");
    }

    @Test
    void bytesCutShortOrOutOfRangeFailTheReadInsteadOfMakingATable() throws Exception {
        NameTable table = LiveTable.build(LiveTableTest.SPEC, List.of(ServiceEntry.of("web")),
                Map.of("web", new ServiceVips(LiveTableTest.v4("240.0.0.7"), null, null, null))).table();
        byte[] bytes = write(table);

        assertThatThrownBy(() -> readBack(Arrays.copyOf(bytes, bytes.length - 5))).isInstanceOf(EOFException.class);
        byte[] badCapacity = bytes.clone();
        badCapacity[3] = 3; // a capacity that is not a power of two
        assertThatThrownBy(() -> readBack(badCapacity)).isInstanceOf(IOException.class)
                .hasMessageContaining("not a name table");
        byte[] hugeCount = bytes.clone();
        Arrays.fill(hugeCount, 20, 24, (byte) 0x7f); // the problems' count
        assertThatThrownBy(() -> readBack(hugeCount)).isInstanceOf(IOException.class)
                .hasMessageContaining("problems");
    }

    private static void assertSameTable(NameTable read, NameTable written, String what) {
        assertThat(LiveTableTest.dump(read)).as(what).isEqualTo(LiveTableTest.dump(written));
        assertThat(read.size()).as(what).isEqualTo(written.size());
        assertThat(read.entryNames()).as(what).isEqualTo(written.entryNames());
        assertThat(read.problems()).as(what).isEqualTo(written.problems());
        Node apex = read.find("mesh");
        for (int i = 0; i < apex.rrsetCount(); i++) {
            if (apex.type(i) == Wire.TYPE_SOA) {
                assertThat(apex.rrset(i)).as(what + ": the SOA, serial and all")
                        .isEqualTo(soa(written.find("mesh")));
            }
        }
        List<String> absent = new ArrayList<>(List.of("nowhere.mesh", "s1.nowhere.example"));
        absent.removeAll(written.names());
        absent.forEach(name -> assertThat(read.find(name)).as(what + ": " + name).isNull());
    }

    private static byte[] soa(Node apex) {
        for (int i = 0; i < apex.rrsetCount(); i++) {
            if (apex.type(i) == Wire.TYPE_SOA) {
                return apex.rrset(i);
            }
        }
        throw new AssertionError("no SOA at the apex");
    }

    private static byte[] write(NameTable table) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            TableImage.write(table, out);
        }
        return bytes.toByteArray();
    }

    private static NameTable readBack(byte[] bytes) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            return TableImage.read(in, bytes.length);
        }
    }
}
