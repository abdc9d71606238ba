package dev.meshdns.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

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

    @Test
    void theFileAloneIsHandedOnAsItIsWithoutACopyOfItsEntries() {
        List<Catalog> handed = new ArrayList<>();
        CatalogMerger merger = new CatalogMerger(handed::add);
        Catalog file = new Catalog(List.of(entry("db", "db.example"), entry("web", "web.example")),
                List.of("catalog entry #3: service is required"));

        merger.fileChanged(file);
        merger.controlPlaneChanged(List.of());

        assertThat(handed).hasSize(2).allSatisfy(catalog -> {
            assertThat(catalog.entries()).isSameAs(file.entries());
            assertThat(catalog.problems()).containsExactly("catalog entry #3: service is required");
        });
    }

    @Test
    void aSourceThatDropsEveryServiceWhileTheOtherStillHasSomeIsAWarningNamingIt() {
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(CatalogMerger.class);
        logged.start();
        logger.addAppender(logged);
        try {
            CatalogMerger merger = new CatalogMerger(catalog -> { });
            merger.controlPlaneChanged(List.of(entry("api", "api.example")));
            merger.fileChanged(new Catalog(List.of(entry("db", "db.example"), entry("web", "web.example")), List.of()));

            merger.fileChanged(new Catalog(List.of(), List.of()));
            merger.fileChanged(new Catalog(List.of(entry("db", "db.example")), List.of()));
            merger.controlPlaneChanged(List.of());

            assertThat(logged.list).filteredOn(event -> event.getLevel() == Level.WARN)
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .containsExactly("the catalog file lists no service any more: its 2 services are removed; the"
                                    + " control plane's 1 stay",
                            "the control plane has no service any more: its 1 services are removed; the catalog"
                                    + " file's 1 stay");
        } finally {
            logger.detachAppender(logged);
        }
    }
}
