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
import dev.meshdns.table.ServiceVips;
import dev.meshdns.table.ZoneSpec;
import dev.meshdns.vip.AllocationResult;
import dev.meshdns.vip.Cidr;
import dev.meshdns.vip.VipAllocator;
import dev.meshdns.vip.store.FileVipStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The catalog flow while the VIP store fails (each call of the store's allocator throwing, as a
 * full disk makes the file store's writes throw) and once it works again: what answers, what
 * {@code /ready} and the gauge say, and when the retry comes.
 */
class CatalogApplierOutageTest {
    private static final Cidr POOL = Cidr.parse("240.0.0.0/4");
    private static final ZoneSpec SPEC = new ZoneSpec("mesh", 30, POOL);
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private static final String CAUSE = "could not make 1 claims durable in /data/vips.journal: No space left on device";

    @TempDir
    Path dataDir;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicReference<NameTable> tables = new AtomicReference<>();
    private final AtomicReference<Readiness> readiness = new AtomicReference<>(Readiness.notReady("test"));
    private FileVipStore store;
    private FailingSource source;
    private CatalogApplier applier;

    @BeforeEach
    void open() throws IOException {
        store = FileVipStore.open(dataDir);
        source = new FailingSource(VipSource.of(
                VipAllocator.open(store, POOL, "mesh", Duration.ofHours(1), Clock.systemUTC())));
        applier = new CatalogApplier(SPEC, source, VipSource.NONE, tables, readiness, new Metrics(registry),
                Clock.fixed(NOW, ZoneOffset.UTC), EntryFeed.NONE);
    }

    @AfterEach
    void close() throws IOException {
        store.close();
    }

    @Test
    void whileTheStoreFailsKnownServicesKeepTheirVipsAndNewOnesHaveNone() {
        applier.apply(catalog("web"));
        InetAddress web = applier.published().get("web").v4();
        source.failing = true;

        applier.apply(catalog("web", "db"));

        assertThat(applier.published().get("web").v4()).isEqualTo(web);
        ServiceVips db = applier.published().get("db");
        assertThat(db.v4()).isNull();
        assertThat(db.v4Failure()).startsWith("VIP store");
        assertThat(tables.get().find("web.mesh")).isNotNull();
    }

    @Test
    void aClaimFailingAfterItsVipWasDecidedPublishesThatVipNowhere() throws IOException {
        applier.apply(catalog("web"));
        InetAddress web = applier.published().get("web").v4();
        // A new applier's first apply is full (a change of one service would be patched).
        CatalogApplier restarted = new CatalogApplier(SPEC, source, VipSource.NONE, tables, readiness,
                new Metrics(registry), Clock.fixed(NOW, ZoneOffset.UTC), EntryFeed.NONE);
        source.claimsFailing = true;

        restarted.apply(catalog("web", "db"));

        assertThat(restarted.published().get("web").v4()).isEqualTo(web);
        assertThat(restarted.published().get("db").v4()).isNull();
        assertThat(restarted.published().get("db").v4Failure()).startsWith("VIP store");
        assertThat(tables.get().find("db.mesh").unavailable(1)).as("A answers SERVFAIL").isNotNull();
        assertThat(store.load().rows()).extracting(row -> row.service()).containsExactly("web");
    }

    @Test
    void whileTheStoreFailsReadyStaysReadySayingSoAndTheGaugeIsOne() {
        applier.apply(catalog("web"));
        source.failing = true;

        applier.apply(catalog("web", "db"));

        assertThat(readiness.get().ready()).as("existing names answer").isTrue();
        assertThat(readiness.get().details()).anySatisfy(line -> assertThat(line)
                .startsWith("VIP store failing since").contains(CAUSE));
        assertThat(registry.get("meshdns.vip.store.failing").gauge().value()).isEqualTo(1);
    }

    @Test
    void retriesOfAFailingStoreBackOff() {
        applier.apply(catalog("web"));
        source.failing = true;

        List<Optional<Instant>> retries = List.of(applier.apply(catalog("web", "db")), applier.applyFull(),
                applier.applyFull(), applier.applyFull());

        assertThat(retries).containsExactly(Optional.of(NOW.plusSeconds(1)), Optional.of(NOW.plusSeconds(2)),
                Optional.of(NOW.plusSeconds(4)), Optional.of(NOW.plusSeconds(8)));
    }

    @Test
    void retriesFailingAgainForTheSameCatalogLogNothingAtInfoOrAbove() {
        applier.apply(catalog("web"));
        source.failing = true;
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        Logger apply = (Logger) LoggerFactory.getLogger("dev.meshdns.apply");
        apply.addAppender(logged);
        try {
            applier.apply(catalog("web", "db"));
            int firstAttempt = logged.list.size();
            for (int i = 0; i < 5; i++) {
                applier.applyFull();
            }

            assertThat(logged.list.subList(0, firstAttempt)).extracting(ILoggingEvent::getLevel)
                    .containsOnlyOnce(Level.INFO).contains(Level.ERROR);
            assertThat(logged.list.subList(firstAttempt, logged.list.size()))
                    .allSatisfy(event -> assertThat(event.getLevel()).as(event.getFormattedMessage())
                            .isEqualTo(Level.DEBUG));
        } finally {
            apply.detachAppender(logged);
        }
    }

    @Test
    void theRetryOnceTheStoreWorksGivesTheWaitingServicesDurableVipsAndClearsTheOutage() throws IOException {
        applier.apply(catalog("web"));
        source.failing = true;
        applier.apply(catalog("web", "db"));
        applier.applyFull();
        source.failing = false;

        Optional<Instant> retry = applier.applyFull();

        assertThat(retry).as("no further retry").isEmpty();
        InetAddress db = applier.published().get("db").v4();
        assertThat(db).isNotNull();
        assertThat(store.load().rows()).anySatisfy(row -> {
            assertThat(row.service()).isEqualTo("db");
            assertThat(row.address()).isEqualTo(db);
        });
        assertThat(tables.get().find("db.mesh")).isNotNull();
        assertThat(readiness.get()).isEqualTo(Readiness.READY);
        assertThat(registry.get("meshdns.vip.store.failing").gauge().value()).isZero();
    }

    private static Catalog catalog(String... services) {
        return new Catalog(Arrays.stream(services).map(ServiceEntry::of).toList(), List.of());
    }

    /** The real allocator's calls, or, while {@link #failing}, an IOException from each of them as from a full disk. */
    private static final class FailingSource implements VipSource {
        private final VipSource real;
        boolean failing;
        boolean claimsFailing;

        FailingSource(VipSource real) {
            this.real = real;
        }

        private void failIfFailing() throws IOException {
            if (failing) {
                throw new IOException(CAUSE);
            }
        }

        @Override
        public Map<String, InetAddress> allocations() {
            return real.allocations();
        }

        @Override
        public InetAddress vipOf(String service) {
            return real.vipOf(service);
        }

        @Override
        public AllocationResult sync(Collection<String> live, Set<InetAddress> reserved) throws IOException {
            failIfFailing();
            return real.sync(live, reserved);
        }

        @Override
        public VipAllocator.Planned plan(Collection<String> live, Set<InetAddress> reserved) throws IOException {
            failIfFailing();
            VipAllocator.Planned planned = real.plan(live, reserved);
            // The VIPs decided, then their claim failing as a write to a full disk does: the real claim never runs.
            return claimsFailing ? VipAllocator.Planned.of(planned.result(), () -> {
                throw new IOException(CAUSE);
            }) : planned;
        }

        @Override
        public AllocationResult allocate(Collection<String> services, Set<InetAddress> reserved) throws IOException {
            failIfFailing();
            return real.allocate(services, reserved);
        }

        @Override
        public void release(Collection<String> services) throws IOException {
            failIfFailing();
            real.release(services);
        }

        @Override
        public long foreignChanges() {
            return real.foreignChanges();
        }

        @Override
        public boolean refresh() throws IOException {
            failIfFailing();
            return real.refresh();
        }

        @Override
        public Optional<Instant> nextQuarantineEnd() {
            return real.nextQuarantineEnd();
        }
    }
}
