package dev.meshdns.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EntrySetDigestTest {
    private static final ServiceEntry WEB = new ServiceEntry("web", List.of("web.example", "www.example"), null, null,
            List.of(80, 443));

    @Test
    void theSameEntriesInAnyOrderHaveOneDigest() {
        List<ServiceEntry> entries = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            entries.add(new ServiceEntry("s" + i, List.of("h" + i + ".example"), null, null, List.of(i)));
        }
        List<ServiceEntry> shuffled = new ArrayList<>(entries);
        Collections.shuffle(shuffled, new Random(7));

        assertThat(EntrySetDigest.of(shuffled)).isEqualTo(EntrySetDigest.of(entries));
    }

    @Test
    void anyFieldChangedChangesTheDigest() throws Exception {
        Inet4Address v4 = (Inet4Address) InetAddress.getByName("240.0.0.9");
        Inet6Address v6 = (Inet6Address) InetAddress.getByName("fd00::9");
        List<ServiceEntry> variants = List.of(WEB,
                new ServiceEntry("weB", WEB.hostnames(), null, null, WEB.ports()),
                new ServiceEntry("web", List.of("www.example", "web.example"), null, null, WEB.ports()),
                new ServiceEntry("web", List.of("web.example"), null, null, WEB.ports()),
                new ServiceEntry("web", List.of("web.examplewww.example"), null, null, WEB.ports()),
                new ServiceEntry("web", WEB.hostnames(), v4, null, WEB.ports()),
                new ServiceEntry("web", WEB.hostnames(), null, v6, WEB.ports()),
                new ServiceEntry("web", WEB.hostnames(), null, null, List.of(80)),
                new ServiceEntry("web", WEB.hostnames(), null, null, List.of(443, 80)));

        assertThat(variants.stream().map(entry -> EntrySetDigest.of(List.of(entry))).distinct()).hasSize(variants.size());
        assertThat(EntrySetDigest.of(List.of(WEB, WEB))).as("an entry twice").isNotEqualTo(EntrySetDigest.of(List.of(WEB)));
        assertThat(EntrySetDigest.of(List.of())).isNotEqualTo(EntrySetDigest.of(List.of(ServiceEntry.of(""))));
    }

    @Test
    void itsTextReadsBackAsTheSameDigestAndOtherTextAsNone() {
        EntrySetDigest digest = EntrySetDigest.of(List.of(WEB));

        assertThat(EntrySetDigest.parse(digest.text())).contains(digest);
        assertThat(EntrySetDigest.parse(new EntrySetDigest(7, -1, 0).text())).contains(new EntrySetDigest(7, -1, 0));
        for (String other : new String[] {"", "1:2:3", "x:0000000000000000:0000000000000000", "1:00000000000000zz:0000000000000000"}) {
            assertThat(EntrySetDigest.parse(other)).as(other).isEmpty();
        }
    }
}
