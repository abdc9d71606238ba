package dev.meshdns.apply;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.meshdns.admin.Metrics;
import dev.meshdns.admin.Readiness;
import dev.meshdns.catalog.Catalog;
import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.table.NameTable;
import dev.meshdns.table.ZoneSpec;
import dev.meshdns.vip.Cidr;
import dev.meshdns.vip.VipAllocator;
import dev.meshdns.vip.store.FileVipStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** What the catalog flow tells the operator, read from its log and its metrics, over a real file store. */
class CatalogApplierReportsTest {
    private static final Cidr POOL = Cidr.parse("10.20.0.0/16");
    private static final ZoneSpec SPEC = new ZoneSpec("mesh", 30, POOL);

    @TempDir
    Path dataDir;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicReference<NameTable> tables = new AtomicReference<>();
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger("dev.meshdns.apply");
    private FileVipStore store;
    private VipAllocator allocator;
    private CatalogApplier applier;

    @BeforeEach
    void open() throws IOException {
        store = FileVipStore.open(dataDir);
        allocator = VipAllocator.open(store, POOL, "mesh", Duration.ofHours(1), Clock.systemUTC());
        applier = newApplier();
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void close() throws IOException {
        logger.detachAppender(logged);
        store.close();
    }

    @Test
    void aCatalogThatRemovesEveryServiceIsLoggedAtWarnWithTheCount() {
        applier.apply(catalog(ServiceEntry.of("web"), ServiceEntry.of("api"), ServiceEntry.of("db")));

        applier.apply(catalog());

        assertThat(warnings()).singleElement().asString()
                .contains("removes every service", "3 services");
        assertThat(tables.get().find("web.mesh")).isNull();
    }

    @Test
    void aFirstCatalogWithoutServicesWhileTheStoreHoldsVipsIsLoggedAtWarnWithTheCount() {
        applier.apply(catalog(ServiceEntry.of("web"), ServiceEntry.of("api")));
        CatalogApplier restarted = newApplier();

        restarted.apply(catalog());

        assertThat(warnings()).singleElement().asString().contains("removes every service", "2 services");
    }

    @Test
    void aFullApplySaysHowLongItsVipsAndItsTableTookAndWhenItWasPublished() {
        applier.apply(catalog(ServiceEntry.of("web"), ServiceEntry.of("api")));

        assertThat(logged.list.stream().filter(event -> event.getLevel() == Level.INFO)
                .map(ILoggingEvent::getFormattedMessage).filter(line -> line.startsWith("catalog applied")))
                .singleElement().asString()
                .containsPattern("catalog applied: 2 services, 2 names, 0 entries skipped, 0 without VIP, in \\d+ ms"
                        + " \\(VIPs durable after \\d+ ms, table built in \\d+ ms beside them and ready after \\d+ ms,"
                        + " published after \\d+ ms\\)");
    }

    @Test
    void anEmptyCatalogReplacingAnEmptyOneSaysNothing() {
        applier.apply(catalog());
        applier.apply(catalog());

        assertThat(warnings()).isEmpty();
    }

    @Test
    void aNameConflictIsLoggedOnceNamingBothEntriesAndCountedWhileItLasts() throws Exception {
        ServiceEntry hijack = new ServiceEntry("hijack", List.of("backend.mesh"), null, null, List.of());
        ServiceEntry pinned = new ServiceEntry("pinned", List.of(), ip("10.99.0.1"), null, List.of());

        applier.apply(catalog(hijack, ServiceEntry.of("backend")));
        applier.apply(catalog(ServiceEntry.of("backend"), hijack));
        applier.apply(catalog(ServiceEntry.of("backend"), hijack, pinned));

        assertThat(warnings()).singleElement().asString().contains("\"hijack\"", "backend.mesh", "\"backend\"");
        assertThat(conflicts()).isEqualTo(1);
        applier.apply(catalog(ServiceEntry.of("backend"), pinned));
        assertThat(conflicts()).isZero();
    }

    @Test
    void aPinConflictIsLoggedOnceNamingBothEntriesAndCountedOnceWhileItLasts() throws Exception {
        ServiceEntry zulu = new ServiceEntry("zulu", List.of(), ip("10.20.0.7"), null, List.of());
        ServiceEntry alpha = new ServiceEntry("alpha", List.of(), ip("10.20.0.7"), null, List.of());

        applier.apply(catalog(zulu, alpha));
        applier.apply(catalog(alpha, zulu));
        applier.apply(catalog(alpha, zulu, ServiceEntry.of("web")));
        applier.applyFull();

        assertThat(errors()).singleElement().asString().contains("\"zulu\"", "\"alpha\"", "10.20.0.7");
        assertThat(registry.get("meshdns.vip.pin.conflicts").counter().count()).isEqualTo(1);
        applier.apply(catalog(alpha, ServiceEntry.of("web")));
        applier.apply(catalog(alpha, zulu));
        assertThat(errors()).as("the conflict again after it had ended").hasSize(2);
    }

    @Test
    void aCappedPtrIsLoggedOncePerService() {
        List<String> hostnames = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            hostnames.add("h" + i + ".example.com");
        }
        ServiceEntry big = new ServiceEntry("big", hostnames, null, null, List.of());

        applier.apply(catalog(big));
        applier.apply(catalog(big, ServiceEntry.of("other")));
        applier.applyFull();

        assertThat(warnings()).singleElement().asString().contains("\"big\"", "101 names", "64");
    }

    @Test
    void aPinAtThePoolsFirstOrLastAddressRejectsItsEntryAloneNamingIt() throws Exception {
        applier.apply(catalog(new ServiceEntry("first", List.of(), ip("10.20.0.0"), null, List.of()),
                new ServiceEntry("last", List.of(), ip("10.20.255.255"), null, List.of()),
                new ServiceEntry("inside", List.of(), ip("10.20.0.1"), null, List.of()),
                ServiceEntry.of("web")));

        assertThat(tables.get().find("first.mesh")).isNull();
        assertThat(tables.get().find("last.mesh")).isNull();
        assertThat(tables.get().find("inside.mesh")).isNotNull();
        assertThat(tables.get().find("web.mesh")).isNotNull();
        assertThat(warnings()).hasSize(2).anySatisfy(line -> assertThat(line)
                        .contains("service \"first\"", "10.20.0.0", "first address", "10.20.0.0/16"))
                .anySatisfy(line -> assertThat(line).contains("service \"last\"", "10.20.255.255", "last address"));
    }

    private CatalogApplier newApplier() {
        return new CatalogApplier(SPEC, VipSource.of(allocator), VipSource.NONE, tables,
                new AtomicReference<>(Readiness.notReady("test")), new Metrics(registry), Clock.systemUTC(),
                EntryFeed.NONE);
    }

    private List<String> warnings() {
        return logged.list.stream().filter(event -> event.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    private List<String> errors() {
        return logged.list.stream().filter(event -> event.getLevel() == Level.ERROR)
                .map(ILoggingEvent::getFormattedMessage).filter(line -> line.startsWith("VIP conflict")).toList();
    }

    private double conflicts() {
        return registry.get("meshdns.catalog.conflicts").gauge().value();
    }

    private static Catalog catalog(ServiceEntry... entries) {
        return new Catalog(List.of(entries), List.of());
    }

    private static Inet4Address ip(String literal) throws IOException {
        return (Inet4Address) InetAddress.getByName(literal);
    }
}
