package dev.meshdns.table;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.vip.Cidr;
import dev.meshdns.wire.Wire;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NameTableTest {
    private static final ZoneSpec SPEC = new ZoneSpec("mesh", 30, Cidr.parse("240.0.0.0/8"));
    /** Enough names for the arena to fill its first chunk and go on in later ones. */
    private static final int SERVICES = 30_000;

    @Test
    void everyNameOfATableOfSeveralChunksAnswersItsOwnAddressThroughTheQueryPath() throws Exception {
        Map<String, ServiceVips> vips = new LinkedHashMap<>();
        List<ServiceEntry> entries = new ArrayList<>();
        for (int i = 0; i < SERVICES; i++) {
            entries.add(ServiceEntry.of("svc-" + i));
            vips.put("svc-" + i, ServiceVips.of(vip(i)));
        }

        NameTable table = LiveTable.build(SPEC, entries, vips).table();

        assertThat(table.size()).isGreaterThan(2 * SERVICES);
        int chunks = 0;
        for (int i = 0; i < SERVICES; i++) {
            assertAnswers(table, "svc-" + i + ".mesh", vip(i));
            int node = find(table, "svc-" + i + ".mesh");
            chunks = Math.max(chunks, (node >>> NodeArena.CHUNK_BITS) + 1);
        }
        assertThat(chunks).as("chunks the nodes lie in").isGreaterThan(1);
        assertThat(find(table, "svc-" + SERVICES + ".mesh")).isEqualTo(-1);
    }

    @Test
    void aPatchAppendsToTheArenaItSharesAndLeavesTheTableItCameFromAsItWas() throws Exception {
        ServiceEntry web = ServiceEntry.of("web");
        LiveTable.Change before = new LiveTable.Change(web, ServiceVips.of(vip(1)));
        LiveTable live = LiveTable.build(SPEC, List.of(web), Map.of("web", before.vips()));

        LiveTable next = live.patch(List.of(new LiveTable.Change(web, ServiceVips.of(vip(2))),
                new LiveTable.Change(ServiceEntry.of("api"), ServiceVips.of(vip(3)))),
                service -> service.equals("web") ? before : null).orElseThrow();

        assertThat(next.table().sharesArenaWith(live.table())).isTrue();
        assertAnswers(next.table(), "web.mesh", vip(2));
        assertAnswers(next.table(), "api.mesh", vip(3));
        assertAnswers(live.table(), "web.mesh", vip(1));
        assertThat(find(live.table(), "api.mesh")).isEqualTo(-1);
    }

    @Test
    void patchesThatReplaceTheSameNamesAgainAndAgainRebuildBeforeDeadNodesOutweighTheLiveOnes() throws Exception {
        ServiceEntry web = ServiceEntry.of("web");
        LiveTable live = LiveTable.build(SPEC, List.of(web), Map.of("web", ServiceVips.of(vip(0))));
        NameTable first = live.table();
        int rebuilds = 0;
        // Each step gives web another VIP: its name and PTR name are written anew, the old nodes are dead.
        for (int step = 1; step <= 40_000; step++) {
            ServiceVips before = ServiceVips.of(vip((step - 1) % 200));
            Optional<LiveTable> patched = live.patch(
                    List.of(new LiveTable.Change(web, ServiceVips.of(vip(step % 200)))),
                    service -> new LiveTable.Change(web, before));
            NameTable table = patched.orElseThrow().table();
            rebuilds += table.sharesArenaWith(live.table()) ? 0 : 1;
            live = patched.get();
        }

        assertThat(rebuilds).as("rebuilds into a new arena").isPositive();
        assertThat(live.table().sharesArenaWith(first)).isFalse();
        assertAnswers(live.table(), "web.mesh", vip(40_000 % 200));
        assertThat(find(live.table(), "199.0.0.240.in-addr.arpa")).as("the VIP before").isEqualTo(-1);
        assertThat(find(live.table(), "0.0.0.240.in-addr.arpa")).isNotNegative();
    }

    private static void assertAnswers(NameTable table, String name, Inet4Address vip) {
        int node = find(table, name);
        assertThat(node).as(name).isNotNegative();
        assertThat(table.zone(node).hostApex()).isFalse();
        int rrset = table.rrset(node, Wire.TYPE_A);
        assertThat(rrset).as("%s has an A RRset", name).isNotNegative();
        byte[] bytes = table.bytes(node);
        assertThat(NameTable.recordCount(bytes, rrset)).isOne();
        int length = NameTable.rrsetLength(bytes, rrset);
        byte[] address = Arrays.copyOfRange(bytes, rrset + length - 4, rrset + length);
        assertThat(address).as(name).containsExactly(vip.getAddress());
        assertThat(table.find(name).rrset(table.find(name).indexOf(Wire.TYPE_A)))
                .containsExactly(Arrays.copyOfRange(bytes, rrset, rrset + length));
    }

    private static int find(NameTable table, String name) {
        byte[] wire = WireName.of(name);
        return table.find(wire, 0, wire.length, WireName.hash(wire, 0, wire.length));
    }

    private static Inet4Address vip(int i) throws UnknownHostException {
        return (Inet4Address) InetAddress.getByAddress(new byte[] {(byte) 240, (byte) (i >> 16), (byte) (i >> 8), (byte) i});
    }
}
