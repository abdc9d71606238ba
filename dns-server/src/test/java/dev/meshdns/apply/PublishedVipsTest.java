package dev.meshdns.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.table.ServiceVips;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PublishedVipsTest {

    private static ServiceVips vip(int n) {
        try {
            return ServiceVips.of((Inet4Address) InetAddress.getByAddress(
                    new byte[] {(byte) 240, 0, (byte) (n >> 8), (byte) n}));
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aPatchRemovesAndPutsServicesAndLeavesTheMapItWasMadeFromAsItWas() {
        PublishedVips before = PublishedVips.of(Map.of("web", vip(1), "api", vip(2)));

        PublishedVips after = before.patched(List.of("api"), Map.of("db", vip(3), "web", vip(4)));

        assertThat(after).containsOnly(Map.entry("web", vip(4)), Map.entry("db", vip(3)));
        assertThat(after.get("api")).isNull();
        assertThat(after.containsKey("api")).isFalse();
        assertThat(before).containsOnly(Map.entry("web", vip(1)), Map.entry("api", vip(2)));
    }

    @Test
    void everyKindOfVipsReadsBackAsItWasGiven() throws UnknownHostException {
        ServiceVips both = new ServiceVips(vip(1).v4(), (Inet6Address) InetAddress.getByName("fd00::1"), null, null);
        ServiceVips failed = new ServiceVips(null, null, "pool exhausted", null);
        ServiceVips v4AndReason = new ServiceVips(vip(2).v4(), null, null, "no IPv6 pool");
        Map<String, ServiceVips> given = Map.of("web", vip(3), "both", both, "failed", failed, "mixed", v4AndReason);

        PublishedVips vips = PublishedVips.of(given).patched(List.of(), Map.of("api", vip(4), "db", failed));

        assertThat(vips).hasSize(6).containsAllEntriesOf(given)
                .containsEntry("api", vip(4)).containsEntry("db", failed);
        assertThat(vips.get("both")).isEqualTo(both);
    }

    @Test
    void aServiceRemovedAndAddedAgainByLaterPatchesIsCountedOnce() {
        PublishedVips vips = PublishedVips.of(Map.of("web", vip(1)))
                .patched(List.of("web"), Map.of())
                .patched(List.of(), Map.of("web", vip(2)));

        assertThat(vips).hasSize(1).containsOnly(Map.entry("web", vip(2)));
    }

    @Test
    void manyPatchesGiveWhatAMapChangedInPlaceHolds() {
        Map<String, ServiceVips> expected = new HashMap<>();
        for (int i = 0; i < 5_000; i++) {
            expected.put("svc-" + i, vip(i));
        }
        PublishedVips vips = PublishedVips.of(expected);
        Random random = new Random(12);
        // 300 patches of up to 20 services: the overlay is folded into a new base several times.
        for (int patch = 0; patch < 300; patch++) {
            List<String> removed = new ArrayList<>();
            Map<String, ServiceVips> put = new HashMap<>();
            for (int j = random.nextInt(20); j >= 0; j--) {
                String service = "svc-" + random.nextInt(8_000);
                if (random.nextBoolean()) {
                    removed.add(service);
                    put.remove(service);
                } else {
                    put.put(service, vip(random.nextInt(60_000)));
                    removed.remove(service);
                }
            }
            vips = vips.patched(removed, put);
            removed.forEach(expected::remove);
            expected.putAll(put);

            assertThat(vips.size()).isEqualTo(expected.size());
        }

        PublishedVips last = vips;
        assertThat(last).containsExactlyInAnyOrderEntriesOf(expected);
        expected.forEach((service, vip) -> assertThat(last.get(service)).isEqualTo(vip));
    }
}
