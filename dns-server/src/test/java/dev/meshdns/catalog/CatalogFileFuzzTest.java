package dev.meshdns.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.meshdns.table.LiveTable;
import dev.meshdns.table.ServiceVips;
import dev.meshdns.table.ZoneSpec;
import dev.meshdns.vip.Cidr;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * {@link CatalogFile#parse} on arbitrary text: a {@link CatalogException} or a catalog whose every
 * entry passed the entry rules (the table builds from it), never another exception. The input is
 * the file's bytes, read as UTF-8 like {@link CatalogFile#read}. Seeds: {@code
 * CatalogFileFuzzTestInputs/anyText/}, the example catalog among them.
 */
class CatalogFileFuzzTest {
    private static final ZoneSpec SPEC = new ZoneSpec("mesh", 30, Cidr.parse("240.0.0.0/4"),
            Cidr.parse("fd00::/64"), false);

    @FuzzTest(maxDuration = "10m")
    void anyText(FuzzedDataProvider data) {
        String text = new String(data.consumeRemainingAsBytes(), StandardCharsets.UTF_8);
        Catalog catalog;
        try {
            catalog = CatalogFile.parse(text);
        } catch (CatalogException e) {
            assertThat(e.getMessage()).startsWith("catalog ");
            return;
        }
        Set<String> services = new HashSet<>();
        Map<String, ServiceVips> vips = new HashMap<>();
        for (ServiceEntry entry : catalog.entries()) {
            assertThat(DnsNames.isLabel(entry.service())).as(entry.service()).isTrue();
            assertThat(services.add(entry.service())).as("unique " + entry.service()).isTrue();
            entry.hostnames().forEach(h -> assertThat(DnsNames.nameProblem(h)).as(h).isEmpty());
            entry.ports().forEach(p -> assertThat(p).isBetween(1, 65535));
            vips.put(entry.service(), new ServiceVips(entry.vip(), entry.vip6(), "no VIP in this test", null));
        }
        catalog.problems().forEach(p -> assertThat(p).startsWith("catalog"));
        LiveTable.build(SPEC, catalog.entries(), vips);
    }
}
