package dev.meshdns.vip.store;

import dev.meshdns.vip.VipStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.postgresql.PGConnection;

/**
 * A {@link VipStore} in PostgreSQL, shared by several replicas: table {@code meshdns_vip} keyed by
 * (zone, service, family), a partial unique index on held addresses, table {@code meshdns_vip_retired}
 * of retired releases keyed by (zone, service, address), each write stamped with the
 * next value of the sequence {@code meshdns_vip_revision} and committed in revision order. Methods
 * are synchronized on the store (JDBC on the caller's thread; a lost connection fails the call and
 * the next one reconnects); the LISTEN connection has its own thread.
 */
// Writers commit in revision order because every writing transaction first takes one
// transaction-level advisory lock (per schema): without it, a transaction holding revision 5 could
// commit after one holding 6, and a reader already at 6 would never see 5. Serialising writers
// costs little here (a batch of claims is one short transaction) and also decides claim races
// without deadlocks or serialization retries. Timestamps are kept to the microsecond.
public final class PostgresVipStore implements VipStore {

    private static final String READ = """
            SELECT false, zone, service, host(address), released_at, revision FROM meshdns_vip WHERE revision > ?
            UNION ALL
            SELECT true, zone, service, host(address), released_at, revision FROM meshdns_vip_retired WHERE revision > ?
            ORDER BY revision""";
    private static final String RELEASE = """
            UPDATE meshdns_vip v SET released_at = ?, revision = nextval('meshdns_vip_revision')
            FROM (SELECT DISTINCT * FROM unnest(?::text[], ?::text[], ?::int[]) AS r(zone, service, family)) r
            WHERE v.zone = r.zone AND v.service = r.service AND v.family = r.family AND v.released_at IS NULL""";
    private static final String NOTIFY =
            "SELECT pg_notify('" + PostgresListener.CHANNEL + "', currval('meshdns_vip_revision')::text)";

    private final PostgresUrl url;
    private final PostgresListener listener;
    private Connection connection;
    private volatile int backendPid = -1;
    private boolean closed;

    private PostgresVipStore(PostgresUrl url) {
        this.url = url;
        this.listener = new PostgresListener(url, () -> backendPid);
    }

    /**
     * Connects to {@code jdbcUrl} (user and password as URL parameters or the driver's usual
     * sources) and creates or migrates the schema in the connection's current schema.
     *
     * @throws IllegalArgumentException if the URL is not a {@code jdbc:postgresql:} URL
     * @throws IOException if the database cannot be reached or migrated (named without password)
     */
    public static PostgresVipStore open(String jdbcUrl) throws IOException {
        PostgresVipStore store = new PostgresVipStore(PostgresUrl.parse(jdbcUrl));
        synchronized (store) {
            Connection connection = store.connection();
            try {
                PostgresSchema.migrate(connection);
            } catch (SQLException e) {
                throw store.failure("schema migration", e);
            }
        }
        return store;
    }

    @Override
    public synchronized View load() throws IOException {
        return read("load", 0); // revisions start at 1
    }

    @Override
    public synchronized View changesSince(long revision) throws IOException {
        return read("changesSince", revision);
    }

    @Override
    public synchronized List<Allocation> claim(List<Allocation> claims, Duration quarantine, Instant now)
            throws IOException {
        Objects.requireNonNull(quarantine, "quarantine");
        Objects.requireNonNull(now, "now");
        if (claims.isEmpty()) {
            return List.of();
        }
        Connection connection = connection();
        try {
            writeLock(connection);
            PostgresClaims.Outcome outcome = PostgresClaims.decide(connection, claims, timestamp(now.minus(quarantine)));
            finishWrite(connection, outcome.wrote());
            return outcome.held();
        } catch (SQLException e) {
            throw failure("claim", e);
        }
    }

    @Override
    public synchronized void release(List<Allocation> rows, Instant at) throws IOException {
        Objects.requireNonNull(at, "at");
        if (rows.isEmpty()) {
            return;
        }
        Connection connection = connection();
        try (PreparedStatement release = connection.prepareStatement(RELEASE)) {
            writeLock(connection);
            release.setObject(1, timestamp(at));
            release.setArray(2, connection.createArrayOf("text", rows.stream().map(Allocation::zone).toArray()));
            release.setArray(3, connection.createArrayOf("text", rows.stream().map(Allocation::service).toArray()));
            release.setArray(4, connection.createArrayOf("int4", rows.stream().map(Allocation::family).toArray()));
            finishWrite(connection, release.executeUpdate() > 0);
        } catch (SQLException e) {
            throw failure("release", e);
        }
    }

    @Override
    public void onRemoteChange(Runnable listener) {
        Objects.requireNonNull(listener, "listener");
        this.listener.add(listener);
    }

    @Override
    public void close() {
        listener.close();
        synchronized (this) {
            closed = true;
            disconnect();
        }
    }

    @Override
    public String toString() {
        return "PostgresVipStore[" + url + "]";
    }

    private View read(String action, long revision) throws IOException {
        Connection connection = connection();
        try (PreparedStatement statement = connection.prepareStatement(READ)) {
            statement.setFetchSize(10_000);
            statement.setLong(1, revision);
            statement.setLong(2, revision);
            List<Allocation> rows = new ArrayList<>();
            List<Allocation> retired = new ArrayList<>();
            long current = revision;
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    OffsetDateTime releasedAt = rs.getObject(5, OffsetDateTime.class);
                    (rs.getBoolean(1) ? retired : rows).add(new Allocation(rs.getString(2), rs.getString(3),
                            address(rs.getString(4)), releasedAt == null ? null : releasedAt.toInstant()));
                    current = Math.max(current, rs.getLong(6));
                }
            }
            connection.commit();
            return new View(rows, current, retired);
        } catch (SQLException e) {
            throw failure(action, e);
        }
    }

    private static void writeLock(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(PostgresSchema.WRITE_LOCK);
        }
    }

    /** Notifies listeners (delivered by PostgreSQL at commit, so never for a rolled-back write) and commits. */
    private static void finishWrite(Connection connection, boolean wrote) throws SQLException {
        if (wrote) {
            try (Statement statement = connection.createStatement()) {
                statement.execute(NOTIFY);
            }
        }
        connection.commit();
    }

    private Connection connection() throws IOException {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
        if (connection == null) {
            try {
                Connection fresh = url.connect();
                fresh.setAutoCommit(false);
                backendPid = fresh.unwrap(PGConnection.class).getBackendPID();
                connection = fresh;
            } catch (SQLException e) {
                throw failure("connect", e);
            }
        }
        return connection;
    }

    /**
     * Drops the connection (the next call reconnects: a failed transaction or a broken socket
     * is never reused) and says what failed.
     */
    private IOException failure(String action, SQLException e) {
        disconnect();
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.isEmpty() || state.startsWith("08") || state.startsWith("57P") || state.startsWith("53")) {
            return new IOException("postgres at " + url + " unavailable: " + e.getMessage(), e);
        }
        return new IOException("postgres at " + url + ": " + action + " failed: " + e.getMessage(), e);
    }

    private void disconnect() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // the connection is dropped either way
            }
            connection = null;
            backendPid = -1;
        }
    }

    static OffsetDateTime timestamp(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    }

    private static InetAddress address(String literal) throws SQLException {
        try {
            return InetAddress.getByName(literal); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new SQLException("bad address in meshdns_vip: " + literal, e);
        }
    }
}
