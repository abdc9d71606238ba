package dev.meshdns.vip.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Creates or migrates the tables of {@link PostgresVipStore} in the connection's current schema.
 * Each migration runs once, recorded in {@code meshdns_schema_version}; replicas starting at once
 * queue on a transaction-level advisory lock, so exactly one of them applies a migration.
 */
final class PostgresSchema {

    /** Advisory lock class for migrations: 'mdns' + 1; the second key is the schema's hash. */
    static final String MIGRATION_LOCK = "SELECT pg_advisory_xact_lock(1835295601, hashtext(current_schema()))";
    /** Advisory lock class for writers: 'mdns' + 2 (see PostgresVipStore's javadoc). */
    static final String WRITE_LOCK = "SELECT pg_advisory_xact_lock(1835295602, hashtext(current_schema()))";

    /** Migration N is element N-1; only ever append. */
    private static final List<List<String>> MIGRATIONS = List.of(List.of(
            "CREATE SEQUENCE meshdns_vip_revision",
            """
            CREATE TABLE meshdns_vip (
                zone text NOT NULL,
                service text NOT NULL,
                family smallint NOT NULL CHECK (family IN (4, 6)),
                address inet NOT NULL CHECK (family(address) = family AND masklen(address) IN (32, 128)),
                released_at timestamptz,
                revision bigint NOT NULL,
                PRIMARY KEY (zone, service, family)
            )""",
            // Two services never hold one address; a released row keeps its address (history, quarantine).
            "CREATE UNIQUE INDEX meshdns_vip_held_address ON meshdns_vip (address) WHERE released_at IS NULL",
            "CREATE INDEX meshdns_vip_address ON meshdns_vip (address)",
            "CREATE INDEX meshdns_vip_revision_idx ON meshdns_vip (revision)"),
            // 2: retired releases. Rows a claim gave another address before this migration have lost
            // their old address for good; from now on a claim keeps it here for its quarantine.
            List.of("""
            CREATE TABLE meshdns_vip_retired (
                zone text NOT NULL,
                service text NOT NULL,
                address inet NOT NULL CHECK (masklen(address) IN (32, 128)),
                released_at timestamptz NOT NULL,
                revision bigint NOT NULL,
                PRIMARY KEY (zone, service, address)
            )""",
            "CREATE INDEX meshdns_vip_retired_address ON meshdns_vip_retired (address)",
            "CREATE INDEX meshdns_vip_retired_revision_idx ON meshdns_vip_retired (revision)"));

    private PostgresSchema() {
    }

    static int latestVersion() {
        return MIGRATIONS.size();
    }

    /** Brings the schema to {@link #latestVersion()}; returns the migrations applied. Commits. */
    static int migrate(Connection connection) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute(MIGRATION_LOCK);
            statement.execute("""
                    CREATE TABLE IF NOT EXISTS meshdns_schema_version (
                        version integer PRIMARY KEY,
                        applied_at timestamptz NOT NULL DEFAULT now()
                    )""");
            int current;
            try (ResultSet rs = statement.executeQuery("SELECT coalesce(max(version), 0) FROM meshdns_schema_version")) {
                rs.next();
                current = rs.getInt(1);
            }
            if (current > latestVersion()) {
                throw new SQLException("schema version " + current + " is newer than this mesh-dns knows ("
                        + latestVersion() + "): upgrade mesh-dns");
            }
            for (int version = current + 1; version <= latestVersion(); version++) {
                for (String sql : MIGRATIONS.get(version - 1)) {
                    statement.execute(sql);
                }
                statement.execute("INSERT INTO meshdns_schema_version (version) VALUES (" + version + ")");
            }
            connection.commit();
            return latestVersion() - current;
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(connection, e);
            throw e;
        }
    }

    static void rollbackQuietly(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException suppressed) {
            cause.addSuppressed(suppressed);
        }
    }
}
