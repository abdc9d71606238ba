package dev.meshdns.vip.store;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A fresh schema on the test PostgreSQL named by {@code MESHDNS_TEST_POSTGRES_URL} (started by
 * {@code .ci/postgres.sh}), dropped on {@link #close()}. Without the variable, tests fail under
 * {@code CI=true} and are skipped elsewhere, saying how to start the server.
 */
final class PostgresTestDatabase implements AutoCloseable {

    static final String URL_VARIABLE = "MESHDNS_TEST_POSTGRES_URL";
    private static final String HOW = URL_VARIABLE + " is not set: start a throwaway PostgreSQL with "
            + "`export " + URL_VARIABLE + "=$(.ci/postgres.sh)` (as root; installs the Debian package if missing)";

    private final String baseUrl;
    private final String schema;

    private PostgresTestDatabase(String baseUrl, String schema) {
        this.baseUrl = baseUrl;
        this.schema = schema;
    }

    static PostgresTestDatabase create() throws SQLException {
        String url = System.getenv(URL_VARIABLE);
        if (url == null || url.isBlank()) {
            if ("true".equals(System.getenv("CI"))) {
                fail(HOW + "; CI must run the PostgreSQL tests");
            }
            assumeTrue(false, HOW + "; skipping the PostgreSQL tests outside CI");
        }
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "");
        PostgresTestDatabase database = new PostgresTestDatabase(url, schema);
        database.execute("CREATE SCHEMA " + schema);
        return database;
    }

    /** The JDBC URL of this test's schema. */
    String url() {
        return baseUrl + (baseUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** A connection to this test's schema, for looking behind the store's back. */
    Connection connect() throws SQLException {
        return DriverManager.getConnection(url());
    }

    void execute(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(baseUrl);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    long count(String sql) throws SQLException {
        try (Connection connection = connect();
                Statement statement = connection.createStatement();
                var rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public void close() throws SQLException {
        execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
}
