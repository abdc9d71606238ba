package dev.meshdns.table;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApexIndexTest {

    private static Zone zone(String apex) {
        return new Zone(WireName.of(apex), new byte[0], true, false);
    }

    @Test
    void aSuffixOfANameIsLookedUpInPlace() {
        ApexIndex index = new ApexIndex();
        Zone mesh = zone("mesh");
        index.put(WireName.of("mesh"), mesh);
        byte[] name = WireName.of("svc.80.mesh"); // 80.mesh starts at 4, mesh at 7

        assertThat(index.get(name, 7)).isSameAs(mesh);
        assertThat(index.get(name, 4)).isNull();
        assertThat(index.get(name, 0)).isNull();
        assertThat(index.get(WireName.of("mesh.example"), 0)).isNull();
    }

    @Test
    void puttingAnApexAgainReplacesItsZone() {
        ApexIndex index = new ApexIndex();
        Zone first = zone("mesh");
        Zone second = zone("mesh");
        index.put(WireName.of("mesh"), first);
        index.put(WireName.of("mesh"), second);

        assertThat(index.get(WireName.of("mesh"), 0)).isSameAs(second);
    }

    @Test
    void growingKeepsEveryZone() {
        ApexIndex index = new ApexIndex();
        Zone[] zones = new Zone[5000];
        for (int i = 0; i < zones.length; i++) {
            zones[i] = zone("host-" + i + ".example.com");
            index.put(WireName.of("host-" + i + ".example.com"), zones[i]);
        }

        for (int i = 0; i < zones.length; i++) {
            byte[] name = WireName.of("x.host-" + i + ".example.com");
            assertThat(index.get(name, 2)).isSameAs(zones[i]);
        }
        assertThat(index.get(WireName.of("host-5000.example.com"), 0)).isNull();
    }
}
