package dev.meshdns.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.admin.Metrics;
import dev.meshdns.admin.Readiness;
import dev.meshdns.catalog.Catalog;
import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.table.NameTable;
import dev.meshdns.table.ZoneSpec;
import dev.meshdns.vip.Cidr;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The store thread keeps what the sources submit before its applier exists, and applies the latest once it starts. */
class StoreThreadTest {
    private static final ZoneSpec SPEC = new ZoneSpec("mesh", 30, Cidr.parse("240.0.0.0/4"));

    private final AtomicReference<NameTable> tables = new AtomicReference<>();
    private final AtomicInteger applies = new AtomicInteger();
    private final CatalogApplier applier = new CatalogApplier(SPEC, VipSource.UNASSIGNED, VipSource.NONE, tables,
            new AtomicReference<>(Readiness.notReady("test")), new Metrics(new SimpleMeterRegistry()),
            Clock.systemUTC(), (upserted, removed, vips) -> applies.incrementAndGet());

    @Test
    void aCatalogSubmittedBeforeTheStartIsKeptAndOnlyTheLatestAppliedAtTheStart() throws Exception {
        try (StoreThread thread = new StoreThread(Clock.systemUTC())) {
            thread.submit(catalog("web", "240.0.0.7"));
            Catalog latest = catalog("api", "240.0.0.8");
            thread.submit(latest);
            thread.call(() -> null);
            assertThat(tables.get()).as("nothing applied before the start").isNull();
            assertThat(thread.waiting()).isSameAs(latest);

            thread.start(applier, null, () -> { });
            thread.call(() -> null);

            assertThat(applies.get()).isEqualTo(1);
            assertThat(tables.get().find("api.mesh")).isNotNull();
            assertThat(tables.get().find("web.mesh")).isNull();
            assertThat(thread.waiting()).isNull();

            thread.submit(catalog("db", "240.0.0.9"));
            thread.call(() -> null);
            assertThat(tables.get().find("db.mesh")).as("after the start, as always").isNotNull();
        }
    }

    private static Catalog catalog(String service, String vip) throws Exception {
        return new Catalog(List.of(new ServiceEntry(service, List.of(), (Inet4Address) InetAddress.getByName(vip), null,
                List.of())), List.of());
    }
}
