package dev.meshdns.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CatalogMergerTest {
    private static ServiceEntry entry(String service, String hostname) {
        return new ServiceEntry(service, List.of(hostname), null, null, List.of());
    }

    @Test
    void controlPlaneWinsAServiceDefinedByBothAndTheFileAddsItsOwn() {
        Catalog file = new Catalog(List.of(entry("web", "web.file.example"), entry("local", "local.example")),
                List.of("catalog entry #3: service is required"));

        Catalog merged = CatalogMerger.merge(file, List.of(entry("web", "web.plane.example")));

        assertThat(merged.entries()).containsExactly(entry("web", "web.plane.example"),
                entry("local", "local.example"));
        assertThat(merged.problems()).containsExactly("catalog entry #3: service is required",
                "catalog file: service \"web\" is also defined by the control plane, whose definition is used");
    }

    @Test
    void eitherSourceAloneIsHandedOnAndEachChangeHandsOnTheCombination() {
        List<Catalog> handed = new ArrayList<>();
        CatalogMerger merger = new CatalogMerger(handed::add);

        merger.controlPlaneChanged(List.of(entry("api", "api.example")));
        merger.fileChanged(new Catalog(List.of(entry("db", "db.example")), List.of()));
        merger.controlPlaneChanged(List.of());

        assertThat(handed).extracting(catalog -> catalog.entries().stream().map(ServiceEntry::service).toList())
                .containsExactly(List.of("api"), List.of("api", "db"), List.of("db"));
    }
}
