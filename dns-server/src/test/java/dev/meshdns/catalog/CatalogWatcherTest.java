package dev.meshdns.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Drives {@code poll()} directly: no threads, no sleeping. */
class CatalogWatcherTest {
    @TempDir
    Path dir;

    private final List<Catalog> delivered = new ArrayList<>();

    @Test
    void missingFileIsWaitedForAndLoadedWhenItAppearsAndIsStable() throws IOException {
        Path file = dir.resolve("catalog.yaml");
        // The file is seen 100 ms after its last write: it may still be being written.
        CatalogWatcher watcher = new CatalogWatcher(file, delivered::add, clockAt(1_100));
        assertThat(watcher.loadNow()).isFalse();
        assertThat(watcher.poll()).isFalse();

        write(file, "services: [{service: a}]", 1);

        assertThat(watcher.poll()).as("first sight: wait for the file to settle").isFalse();
        assertThat(watcher.poll()).isTrue();
        assertThat(delivered).singleElement().extracting(c -> c.entries().size()).isEqualTo(1);
    }

    @Test
    void aChangeLastWrittenAPollIntervalAgoIsReadAtFirstSight() throws IOException {
        Path file = dir.resolve("catalog.yaml");
        write(file, "services: [{service: a}]", 1);
        long settled = 2_000 + CatalogWatcher.INTERVAL.toMillis();
        CatalogWatcher watcher = new CatalogWatcher(file, delivered::add, clockAt(settled));
        watcher.loadNow();

        write(file, "services: [{service: a}, {service: b}]", 2);

        assertThat(watcher.poll()).as("unchanged for a whole interval already, as after an atomic rename").isTrue();
        assertThat(delivered.get(1).entries()).extracting(ServiceEntry::service).containsExactly("a", "b");
    }

    @Test
    void changeIsDeliveredOnceAndUnchangedFileIsNotReparsed() throws IOException {
        Path file = dir.resolve("catalog.yaml");
        write(file, "services: [{service: a}]", 1);
        CatalogWatcher watcher = new CatalogWatcher(file, delivered::add);
        assertThat(watcher.loadNow()).isTrue();

        write(file, "services: [{service: a}, {service: b}]", 2);
        watcher.poll();
        watcher.poll();
        watcher.poll();

        assertThat(delivered).hasSize(2);
        assertThat(delivered.get(1).entries()).extracting(ServiceEntry::service).containsExactly("a", "b");
    }

    @Test
    void anEditHandsOnThePreviousInstanceOfEveryEntryItLeftAsItWas() throws IOException {
        Path file = dir.resolve("catalog.yaml");
        write(file, "services: [{service: a}, {service: b, hostnames: [b.example]}, {service: c}, {service: d}]", 1);
        CatalogWatcher watcher = new CatalogWatcher(file, delivered::add);
        watcher.loadNow();

        write(file, "services: [{service: a}, {service: c}, {service: new}, {service: d, hostnames: [d.example]},"
                + " {service: b, hostnames: [b.example]}]", 2);
        watcher.poll();
        watcher.poll();

        List<ServiceEntry> before = delivered.get(0).entries();
        List<ServiceEntry> after = delivered.get(1).entries();
        assertThat(after).extracting(ServiceEntry::service).containsExactly("a", "c", "new", "d", "b");
        assertThat(after.get(0)).as("a, unchanged").isSameAs(before.get(0));
        assertThat(after.get(1)).as("c, unchanged, b moved from before it to the end").isSameAs(before.get(2));
        assertThat(after.get(3)).as("d, changed").isNotSameAs(before.get(3)).isNotEqualTo(before.get(3));
        assertThat(after.get(4)).as("b, moved to the end: equal, a new instance or the old one").isEqualTo(before.get(1));
    }

    @Test
    void touchWithoutContentChangeDeliversNothing() throws IOException {
        Path file = dir.resolve("catalog.yaml");
        write(file, "services: [{service: a}]", 1);
        CatalogWatcher watcher = new CatalogWatcher(file, delivered::add);
        watcher.loadNow();

        Files.setLastModifiedTime(file, FileTime.fromMillis(5_000_000));
        watcher.poll();
        watcher.poll();

        assertThat(delivered).hasSize(1);
    }

    @Test
    void brokenFileIsNotDeliveredSoThePreviousCatalogStays() throws IOException {
        Path file = dir.resolve("catalog.yaml");
        write(file, "services: [{service: a}]", 1);
        CatalogWatcher watcher = new CatalogWatcher(file, delivered::add);
        watcher.loadNow();

        write(file, "services: [{service: ", 2);
        watcher.poll();
        watcher.poll();

        assertThat(delivered).hasSize(1);
    }

    @Test
    void brokenFileIsReportedRejectedWithWhy() throws IOException {
        Path file = dir.resolve("catalog.yaml");
        write(file, "services: [{service: a}]", 1);
        List<String> rejected = new ArrayList<>();
        CatalogWatcher watcher = new CatalogWatcher(file, CatalogWatcher.Listener.of(delivered::add, rejected::add));
        watcher.loadNow();

        write(file, "no services here: true", 2);
        watcher.poll();
        watcher.poll();

        assertThat(delivered).hasSize(1);
        assertThat(rejected).singleElement().asString().contains("services");
    }

    @Test
    void deletedFileKeepsTheLastCatalogAndItsReturnIsLoaded() throws IOException {
        Path file = dir.resolve("catalog.yaml");
        write(file, "services: [{service: a}]", 1);
        CatalogWatcher watcher = new CatalogWatcher(file, delivered::add);
        watcher.loadNow();

        Files.delete(file);
        watcher.poll();
        write(file, "services: [{service: c}]", 3);
        watcher.poll();
        watcher.poll();

        assertThat(delivered).hasSize(2);
        assertThat(delivered.get(1).entries()).extracting(ServiceEntry::service).containsExactly("c");
    }

    @Test
    void aServiceAppendedIsTheOnlyEntryParsedAgainAndAnEditOfTheHeaderIsAFullReRead() throws IOException {
        Path file = dir.resolve("catalog.yaml");
        String catalog = "# v1\nservices:\n  - service: a\n  - service: b\n    hostnames: [b.example.com]\n"
                + "  - service: c\n";
        write(file, catalog, 1);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(CatalogWatcher.class);
        logged.start();
        logger.addAppender(logged);
        try {
            CatalogWatcher watcher = new CatalogWatcher(file, delivered::add);
            watcher.loadNow();

            write(file, catalog + "  - service: added\n", 2);
            watcher.poll();
            write(file, catalog.replace("# v1", "# v2") + "  - service: added\n", 3);
            watcher.poll();

            assertThat(delivered).hasSize(3);
            assertThat(delivered.get(1).entries()).extracting(ServiceEntry::service)
                    .containsExactly("a", "b", "c", "added");
            assertThat(delivered.get(1).entries().get(1)).isSameAs(delivered.get(0).entries().get(1));
            assertThat(logged.list).extracting(ILoggingEvent::getFormattedMessage)
                    .anySatisfy(line -> assertThat(line).startsWith("catalog file " + file + " read: 3 entries"))
                    .anySatisfy(line -> assertThat(line).startsWith("catalog file " + file
                            + " re-read: 1 of 4 entries parsed again (incremental), "))
                    .anySatisfy(line -> assertThat(line).startsWith("catalog file " + file
                            + " re-read: 4 of 4 entries parsed again (full), "));
        } finally {
            logger.detachAppender(logged);
        }
    }

    @Test
    void editsThatGrowShrinkOrBreakTheFileAreEachReadAsWrittenThoughItsArraysAreReused() throws Exception {
        StringBuilder list = new StringBuilder("services:\n");
        for (int i = 0; i < 300; i++) {
            list.append("  - service: s").append(i).append('\n');
        }
        String small = list.toString();
        for (int i = 300; i < 1000; i++) {
            list.append("  - service: s").append(i).append('\n');
        }
        String grown = list.toString(); // larger than either array, with its room to grow
        String shrunk = small.replace("  - service: s5\n", ""); // the array read into holds a longer file's tail
        List<String> edits = List.of(grown, shrunk, "services: [", shrunk + "  - service: back\n", small,
                "services:\n  - service: only\n", small);
        Path file = dir.resolve("catalog.yaml");
        write(file, small, 1);
        CatalogWatcher watcher = new CatalogWatcher(file, delivered::add);
        watcher.loadNow();

        for (int k = 0; k < edits.size(); k++) {
            String text = edits.get(k);
            write(file, text, k + 2);
            boolean valid = !text.equals("services: [");

            assertThat(watcher.poll()).as("edit %d delivered", k).isEqualTo(valid);
            if (valid) {
                byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                Catalog fresh = ParsedCatalog.parse(bytes, List.of()).catalog().readFrom(bytes, bytes.length);
                assertThat(delivered.get(delivered.size() - 1)).as("edit %d", k).isEqualTo(fresh);
            }
        }
    }

    private static Clock clockAt(long epochMillis) {
        return Clock.fixed(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC);
    }

    private static void write(Path file, String text, long second) throws IOException {
        Files.writeString(file, text);
        // Distinct modification times, whatever the file system's granularity.
        Files.setLastModifiedTime(file, FileTime.fromMillis(second * 1000));
    }
}
