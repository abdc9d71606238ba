package dev.meshdns.vip.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshdns.vip.VipStore;
import dev.meshdns.vip.VipStore.Allocation;
import dev.meshdns.vip.VipStore.View;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PostgresVipStore against a real PostgreSQL (see {@link PostgresTestDatabase}): the store contract,
 * then what only a shared database has (replicas, schema migration, LISTEN/NOTIFY, connection loss).
 */
class PostgresVipStoreTest extends VipStoreContract {

    private PostgresTestDatabase database;
    private final List<PostgresVipStore> opened = new ArrayList<>();

    @BeforeEach
    void createSchema() throws SQLException {
        database = PostgresTestDatabase.create();
    }

    @AfterEach
    void dropSchema() throws SQLException {
        opened.forEach(PostgresVipStore::close);
        if (database != null) {
            database.close();
        }
    }

    @Override
    protected VipStore newStore() throws IOException {
        return PostgresVipStore.open(database.url());
    }

    @Override
    protected VipStore reopen() throws IOException {
        return PostgresVipStore.open(database.url());
    }

    private PostgresVipStore open() throws IOException {
        PostgresVipStore store = PostgresVipStore.open(database.url());
        opened.add(store);
        return store;
    }

    @Test
    void newStoreLoadsNothingAtRevisionZero() throws IOException {
        View view = open().load();

        assertThat(view.rows()).isEmpty();
        assertThat(view.revision()).isZero();
    }

    @Test
    void claimOfFreeAddressIsHeldDurablyAndVisibleToAnotherReplica() throws IOException {
        List<Allocation> held = open().claim(List.of(held("a", "240.0.0.1"), held("b", "fd00::b")), QUARANTINE, T0);

        assertThat(held).containsExactly(held("a", "240.0.0.1"), held("b", "fd00::b"));
        View view = open().load();
        assertThat(view.rows()).containsExactly(held("a", "240.0.0.1"), held("b", "fd00::b"));
        assertThat(view.revision()).isPositive();
    }

    @Test
    void claimsOfOneCallAreDecidedInOrderAndALostClaimDoesNotAbortTheOthers() throws IOException {
        PostgresVipStore store = open();
        store.claim(List.of(held("x", "240.0.0.9")), QUARANTINE, T0);

        List<Allocation> held = store.claim(List.of(
                held("a", "240.0.0.1"),
                held("b", "240.0.0.1"), // address just taken by a
                held("a", "240.0.0.2"), // a already holds .1
                held("c", "240.0.0.9"), // held by x
                held("c", "240.0.0.3"),
                held("a", "240.0.0.1")), QUARANTINE, T0); // a's own address again

        assertThat(held).containsExactly(held("a", "240.0.0.1"), held("c", "240.0.0.3"), held("a", "240.0.0.1"));
        assertThat(store.load().rows())
                .containsExactlyInAnyOrder(held("x", "240.0.0.9"), held("a", "240.0.0.1"), held("c", "240.0.0.3"));
    }

    @Test
    void releasingAReleasedRowAgainKeepsItsFirstReleaseTime() throws IOException {
        PostgresVipStore store = open();
        store.claim(List.of(held("a", "240.0.0.1"), held("a", "fd00::1"), held("b", "240.0.0.2")), QUARANTINE, T0);

        store.release(List.of(held("a", "240.0.0.1"), held("nobody", "240.0.0.7")), T0.plusSeconds(5));
        store.release(List.of(held("a", "240.0.0.1")), T0.plusSeconds(99)); // already released: keeps 5

        assertThat(store.load().rows()).containsExactlyInAnyOrder(
                released("a", "240.0.0.1", T0.plusSeconds(5)),
                held("a", "fd00::1"), held("b", "240.0.0.2"));
    }

    @Test
    void changesSinceReturnsEachChangedRowOnceWithItsCurrentState() throws IOException {
        PostgresVipStore store = open();
        store.claim(List.of(held("a", "240.0.0.1"), held("b", "240.0.0.2")), QUARANTINE, T0);
        long before = store.load().revision();

        store.claim(List.of(held("c", "240.0.0.3")), QUARANTINE, T0);
        store.release(List.of(held("c", "240.0.0.3")), T0);
        store.release(List.of(held("a", "240.0.0.1")), T0);
        View changes = open().changesSince(before);

        assertThat(changes.rows()).containsExactly(
                released("c", "240.0.0.3", T0), released("a", "240.0.0.1", T0));
        assertThat(changes.revision()).isEqualTo(store.load().revision()).isGreaterThan(before);
        assertThat(store.changesSince(changes.revision())).isEqualTo(new View(List.of(), changes.revision()));
    }

    @Test
    void writerWaitsForAnEarlierWriterSoNoReaderSkipsARevision() throws Exception {
        PostgresVipStore writer = open();
        PostgresVipStore reader = open();
        long start = reader.load().revision();
        try (Connection slow = database.connect()) {
            slow.setAutoCommit(false);
            try (Statement statement = slow.createStatement()) {
                statement.execute(PostgresSchema.WRITE_LOCK);
                statement.execute("INSERT INTO meshdns_vip VALUES ('mesh', 'slow', 4, '240.0.0.1', NULL,"
                        + " nextval('meshdns_vip_revision'))");
            }
            CompletableFuture<List<Allocation>> fast = CompletableFuture.supplyAsync(() -> {
                try {
                    return writer.claim(List.of(held("fast", "240.0.0.2")), QUARANTINE, T0);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            awaitSessionWaitingForAdvisoryLock();
            View during = reader.changesSince(start);
            assertThat(during.rows()).isEmpty();
            assertThat(fast).isNotDone();
            slow.commit();
            assertThat(fast.get(10, TimeUnit.SECONDS)).containsExactly(held("fast", "240.0.0.2"));
        }

        assertThat(reader.changesSince(start).rows()).containsExactly(held("slow", "240.0.0.1"), held("fast", "240.0.0.2"));
    }

    private void awaitSessionWaitingForAdvisoryLock() throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (database.count("SELECT count(*) FROM pg_stat_activity"
                + " WHERE wait_event_type = 'Lock' AND wait_event = 'advisory'") == 0) {
            assertThat(System.nanoTime()).as("a writer waiting for the write lock").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    @Test
    void rowsSurviveCloseAndReopen() throws IOException {
        PostgresVipStore first = open();
        first.claim(List.of(held("a", "240.0.0.1"), held("b", "fd00::2")), QUARANTINE, T0);
        first.release(List.of(held("b", "fd00::2")), T0);
        View before = first.load();
        first.close();

        View after = open().load();

        assertThat(after).isEqualTo(before);
    }

    @Test
    void schemaIsCreatedOnceEvenWhenReplicasStartAtOnce() throws Exception {
        List<CompletableFuture<PostgresVipStore>> starts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            starts.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return PostgresVipStore.open(database.url());
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }));
        }
        for (CompletableFuture<PostgresVipStore> start : starts) {
            opened.add(start.get(30, TimeUnit.SECONDS));
        }
        open();

        assertThat(database.count("SELECT count(*) FROM meshdns_schema_version")).isEqualTo(PostgresSchema.latestVersion());
        assertThat(database.count("SELECT max(version) FROM meshdns_schema_version")).isEqualTo(PostgresSchema.latestVersion());
    }

    @Test
    void schemaOfVersion1WithRowsIsMigratedAndThenKeepsRetiredReleases() throws Exception {
        PostgresVipStore before = open();
        before.claim(List.of(held("a", "240.0.0.1"), held("b", "240.0.0.2")), QUARANTINE, T0);
        before.release(List.of(held("a", "240.0.0.1")), T0);
        before.close();
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE meshdns_vip_retired"); // as a database of the first schema has it
            statement.execute("DELETE FROM meshdns_schema_version WHERE version > 1");
        }

        PostgresVipStore migrated = open();

        assertThat(database.count("SELECT max(version) FROM meshdns_schema_version")).isEqualTo(2);
        assertThat(migrated.load().rows()).containsExactlyInAnyOrder(released("a", "240.0.0.1", T0),
                held("b", "240.0.0.2"));
        migrated.claim(List.of(held("a", "240.0.0.3")), QUARANTINE, T0.plusSeconds(60));
        assertThat(migrated.claim(List.of(held("c", "240.0.0.1")), QUARANTINE, T0.plusSeconds(120))).isEmpty();
        assertThat(migrated.load().retired()).containsExactly(released("a", "240.0.0.1", T0));
    }

    @Test
    void aSchemaNewerThanThisVersionFailsTheOpen() throws Exception {
        open().close();
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO meshdns_schema_version (version) VALUES (999)");
        }

        assertThatThrownBy(this::open).isInstanceOf(IOException.class).hasMessageContaining("schema version 999 is newer");
    }

    @Test
    void remoteChangeListenerIsCalledWhenAnotherReplicaClaims() throws Exception {
        PostgresVipStore listening = open();
        Semaphore calls = new Semaphore(0);
        listening.onRemoteChange(calls::release);
        assertThat(calls.tryAcquire(10, TimeUnit.SECONDS)).as("called once listening").isTrue();

        open().claim(List.of(held("a", "240.0.0.1")), QUARANTINE, T0);

        assertThat(calls.tryAcquire(10, TimeUnit.SECONDS)).as("called after the other replica's claim").isTrue();
        assertThat(listening.changesSince(0).rows()).containsExactly(held("a", "240.0.0.1"));
    }

    @Test
    void listenerReconnectsAfterItsConnectionIsKilledAndHearsLaterClaims() throws Exception {
        String name = "meshdns-listener-" + System.nanoTime();
        PostgresVipStore listening = PostgresVipStore.open(database.url() + "&ApplicationName=" + name);
        opened.add(listening);
        Semaphore calls = new Semaphore(0);
        listening.onRemoteChange(calls::release);
        assertThat(calls.tryAcquire(10, TimeUnit.SECONDS)).as("called once listening").isTrue();

        database.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '" + name + "'");

        assertThat(calls.tryAcquire(10, TimeUnit.SECONDS)).as("called after reconnecting").isTrue();
        open().claim(List.of(held("a", "240.0.0.1")), QUARANTINE, T0);
        assertThat(calls.tryAcquire(10, TimeUnit.SECONDS)).as("called after the other replica's claim").isTrue();
    }

    @Test
    void lostConnectionFailsTheCallAndTheNextCallReconnects() throws Exception {
        String name = "meshdns-doomed-" + System.nanoTime();
        PostgresVipStore store = PostgresVipStore.open(database.url() + "&ApplicationName=" + name);
        opened.add(store);
        store.claim(List.of(held("a", "240.0.0.1")), QUARANTINE, T0);
        database.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '" + name + "'");

        assertThatThrownBy(store::load).isInstanceOf(IOException.class).hasMessageStartingWith("postgres at ")
                .hasMessageContaining(" unavailable: ");
        assertThat(store.load().rows()).containsExactly(held("a", "240.0.0.1"));
    }

    @Test
    void unreachableDatabaseFailsTheOpenNamingItWithoutThePassword() {
        assertThatThrownBy(() -> PostgresVipStore.open("jdbc:postgresql://127.0.0.1:1/meshdns?user=u&password=s3cret"))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("postgres at 127.0.0.1:1/meshdns unavailable: ")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void malformedUrlIsRejectedWithoutThePassword() {
        assertThatThrownBy(() -> PostgresVipStore.open("jdbc:mysql://db/x?password=s3cret"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a PostgreSQL JDBC URL")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> PostgresVipStore.open("jdbc:postgresql://u:s3cret@db:notaport/x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("s3cret");
    }
}
