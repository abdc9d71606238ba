package dev.meshdns.it.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.Assertions;

/**
 * The PostgreSQL server the tests run against, from {@code MESHDNS_TEST_POSTGRES_URL} (set by
 * {@code .ci/run}), and throwaway databases on it, one per test class. Never skipped: without the
 * variable the tests fail and say how to start PostgreSQL. Stateless.
 */
public final class TestPostgres {
    public static final String URL_VARIABLE = "MESHDNS_TEST_POSTGRES_URL";
    private static final Pattern JDBC_URL =
            Pattern.compile("jdbc:postgresql://(\\[[^]]+]|[^/:?]+)(?::(\\d+))?/([^?]*)(\\?.*)?");

    private TestPostgres() {
    }

    /** The JDBC URL of the server (and its default database); fails the test when it is not set. */
    public static Url url() {
        String url = System.getenv(URL_VARIABLE);
        if (url == null || url.isBlank()) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(URL_VARIABLE + " is not set on CI: .ci/run must start PostgreSQL (.ci/postgres.sh)"
                        + " and export it; the PostgreSQL tests are never skipped");
            }
            Assertions.fail(URL_VARIABLE + " is not set. Start a throwaway PostgreSQL and export its URL, e.g.\n"
                    + "  export " + URL_VARIABLE + "=$(.ci/postgres.sh start)\n"
                    + "or by hand (Debian postgresql package):\n"
                    + "  su postgres -c \"/usr/lib/postgresql/15/bin/initdb -D /tmp/pgit -A trust\"\n"
                    + "  su postgres -c \"/usr/lib/postgresql/15/bin/pg_ctl -D /tmp/pgit -o '-p 55432 -k /tmp' -l /tmp/pgit.log start\"\n"
                    + "  export " + URL_VARIABLE + "='jdbc:postgresql://127.0.0.1:55432/postgres?user=postgres'");
        }
        return Url.parse(url);
    }

    /** Creates an empty database with a fresh name on the test server and returns its URL. */
    public static Url createDatabase(String prefix) {
        Url server = url();
        String name = (prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12))
                .toLowerCase(Locale.ROOT);
        execute(server, "CREATE DATABASE " + name);
        return server.withDatabase(name);
    }

    /** Drops the database, disconnecting whoever is still on it. */
    public static void dropDatabase(Url database) {
        execute(url(), "DROP DATABASE IF EXISTS " + database.database() + " WITH (FORCE)");
    }

    private static void execute(Url on, String sql) {
        try (Connection connection = DriverManager.getConnection(on.toString());
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new AssertionError("cannot run '" + sql + "' on " + on + ": " + e.getMessage(), e);
        }
    }

    /** A {@code jdbc:postgresql://host:port/database?parameters} URL, in parts. Immutable. */
    public record Url(String host, int port, String database, String parameters) {
        public static Url parse(String url) {
            Matcher m = JDBC_URL.matcher(url.trim());
            if (!m.matches()) {
                throw new IllegalArgumentException("not a jdbc:postgresql://host:port/database URL: " + url);
            }
            return new Url(m.group(1), m.group(2) == null ? 5432 : Integer.parseInt(m.group(2)), m.group(3),
                    m.group(4) == null ? "" : m.group(4));
        }

        public Url withDatabase(String name) {
            return new Url(host, port, name, parameters);
        }

        public Url withAddress(String newHost, int newPort) {
            return new Url(newHost, newPort, database, parameters);
        }

        @Override
        public String toString() {
            return "jdbc:postgresql://" + host + ":" + port + "/" + database + parameters;
        }
    }
}
