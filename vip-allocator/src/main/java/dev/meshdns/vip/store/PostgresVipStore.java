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
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.postgresql.PGConnection;

/**
 * A {@link VipStore} in PostgreSQL, shared by several replicas: table {@code meshdns_vip} keyed by
 * (zone, service, family), a partial unique index on held addresses, rows never deleted, each write
 * stamped with the next value of the sequence {@code meshdns_vip_revision}. Writers commit in
 * revision order because every writing transaction first takes one transaction-level advisory lock
 * (per schema): without it, a transaction holding revision 5 could commit after one holding 6, and a
 * reader already at 6 would never see 5. Serialising writers costs little here (a batch of claims is
 * one short transaction) and also decides claim races without deadlocks or serialization retries.
 * Methods are synchronized on the store (JDBC runs on the caller's thread); the LISTEN connection
 * has its own thread. A lost connection fails the call with an IOException and the next call
 * reconnects. Timestamps are kept to the microsecond.
 */
public final class PostgresVipStore implements VipStore {

    private static final String COLUMNS = "zone, service, host(address), released_at, revision";
    private static final String CLAIM = """
            WITH c AS (
                SELECT * FROM unnest(?::text[], ?::text[], ?::int[], ?::text[]::inet[], ?::int[])
                    AS c(zone, service, family, address, ord)
            ), ok AS (
                SELECT c.*, (own.address IS NULL OR own.released_at IS NOT NULL) AS needs_write
                FROM c LEFT JOIN meshdns_vip own
                    ON own.zone = c.zone AND own.service = c.service AND own.family = c.family
                WHERE (own.address IS NULL OR own.released_at IS NOT NULL OR own.address = c.address)
                  AND NOT EXISTS (
                    SELECT 1 FROM meshdns_vip other
                    WHERE other.address = c.address
                      AND (other.zone, other.service, other.family) <> (c.zone, c.service, c.family)
                      AND (other.released_at IS NULL OR other.released_at > ?))
            ), written AS (
                INSERT INTO meshdns_vip AS v (zone, service, family, address, released_at, revision)
                SELECT zone, service, family, address, NULL, nextval('meshdns_vip_revision')
                FROM ok WHERE needs_write ORDER BY ord
                ON CONFLICT (zone, service, family) DO UPDATE
                    SET address = EXCLUDED.address, released_at = NULL, revision = EXCLUDED.revision
                    WHERE v.released_at IS NOT NULL
                RETURNING v.zone, v.service, v.family
            )
            SELECT ord, false FROM ok WHERE NOT needs_write
            UNION ALL SELECT ok.ord, true FROM written JOIN ok USING (zone, service, family)""";
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
        return read("load", "SELECT " + COLUMNS + " FROM meshdns_vip ORDER BY revision", 0);
    }

    @Override
    public synchronized View changesSince(long revision) throws IOException {
        return read("changesSince",
                "SELECT " + COLUMNS + " FROM meshdns_vip WHERE revision > ? ORDER BY revision", revision);
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
        try (PreparedStatement claim = connection.prepareStatement(CLAIM)) {
            writeLock(connection);
            boolean[] held = new boolean[claims.size()];
            boolean wrote = false;
            for (List<Integer> round : rounds(claims)) {
                wrote |= claimRound(connection, claim, claims, round, timestamp(now.minus(quarantine)), held);
            }
            finishWrite(connection, wrote);
            List<Allocation> result = new ArrayList<>();
            for (int i = 0; i < held.length; i++) {
                if (held[i]) {
                    Allocation c = claims.get(i);
                    result.add(Allocation.held(c.zone(), c.service(), c.address()));
                }
            }
            return result;
        } catch (SQLException e) {
            throw failure("claim", e);
        }
    }

    /**
     * Splits claims into rounds without a repeated key or address, in order: one statement decides a
     * round, and a later round sees what the earlier ones wrote, as if decided one by one.
     */
    private static List<List<Integer>> rounds(List<Allocation> claims) {
        List<List<Integer>> rounds = new ArrayList<>();
        List<Integer> round = new ArrayList<>();
        Set<List<Object>> keys = new HashSet<>();
        Set<InetAddress> addresses = new HashSet<>();
        for (int i = 0; i < claims.size(); i++) {
            Allocation c = claims.get(i);
            List<Object> key = List.of(c.zone(), c.service(), c.family());
            if (keys.contains(key) || addresses.contains(c.address())) {
                rounds.add(round);
                round = new ArrayList<>();
                keys.clear();
                addresses.clear();
            }
            keys.add(key);
            addresses.add(c.address());
            round.add(i);
        }
        rounds.add(round);
        return rounds;
    }

    /** Decides one round; marks the claims held; returns whether it wrote a row. */
    private static boolean claimRound(Connection connection, PreparedStatement claim, List<Allocation> claims,
            List<Integer> round, OffsetDateTime quarantinedAfter, boolean[] held) throws SQLException {
        int n = round.size();
        String[] zones = new String[n];
        String[] services = new String[n];
        Integer[] families = new Integer[n];
        String[] addresses = new String[n];
        Integer[] ords = new Integer[n];
        for (int j = 0; j < n; j++) {
            Allocation c = claims.get(round.get(j));
            zones[j] = c.zone();
            services[j] = c.service();
            families[j] = c.family();
            addresses[j] = c.address().getHostAddress();
            ords[j] = round.get(j);
        }
        claim.setArray(1, connection.createArrayOf("text", zones));
        claim.setArray(2, connection.createArrayOf("text", services));
        claim.setArray(3, connection.createArrayOf("int4", families));
        claim.setArray(4, connection.createArrayOf("text", addresses));
        claim.setArray(5, connection.createArrayOf("int4", ords));
        claim.setObject(6, quarantinedAfter);
        boolean wrote = false;
        try (ResultSet rs = claim.executeQuery()) {
            while (rs.next()) {
                held[rs.getInt(1)] = true;
                wrote |= rs.getBoolean(2);
            }
        }
        return wrote;
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

    private View read(String action, String sql, long revision) throws IOException {
        Connection connection = connection();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setFetchSize(10_000);
            if (sql.indexOf('?') >= 0) {
                statement.setLong(1, revision);
            }
            List<Allocation> rows = new ArrayList<>();
            long current = revision;
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    OffsetDateTime releasedAt = rs.getObject(4, OffsetDateTime.class);
                    rows.add(new Allocation(rs.getString(1), rs.getString(2), address(rs.getString(3)),
                            releasedAt == null ? null : releasedAt.toInstant()));
                    current = Math.max(current, rs.getLong(5));
                }
            }
            connection.commit();
            return new View(rows, current);
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

    private static OffsetDateTime timestamp(Instant instant) {
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
