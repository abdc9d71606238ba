package dev.meshdns.vip.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import java.util.regex.Pattern;
import org.postgresql.Driver;

/**
 * A validated {@code jdbc:postgresql:} URL and how to name it in messages ({@code host:port/db},
 * never the password). Public for {@link #mask(String)}, the one password masking of the project
 * (the server's configuration messages use it too). Immutable and thread-safe.
 */
public final class PostgresUrl {

    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password=)[^&]*");
    private static final Pattern USER_INFO = Pattern.compile("(//[^/:@]*:)[^/@]*@");
    private static final Driver DRIVER = new Driver();

    private final String url;
    private final String described;

    private PostgresUrl(String url, String described) {
        this.url = url;
        this.described = described;
    }

    /** Parses {@code url}, or throws naming it without its password. */
    static PostgresUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("PostgreSQL URL must not be blank, got '" + url + "'");
        }
        Properties parsed = Driver.parseURL(url, null);
        if (parsed == null) {
            throw new IllegalArgumentException("not a PostgreSQL JDBC URL (expected jdbc:postgresql://host:port/database): "
                    + mask(url));
        }
        String described = parsed.getProperty("PGHOST") + ":" + parsed.getProperty("PGPORT") + "/"
                + parsed.getProperty("PGDBNAME");
        return new PostgresUrl(url, described);
    }

    /** A new connection; URL parameters win over these defaults. */
    Connection connect() throws SQLException {
        Properties defaults = new Properties();
        defaults.setProperty("ApplicationName", "mesh-dns");
        defaults.setProperty("connectTimeout", "5");
        defaults.setProperty("tcpKeepAlive", "true");
        Connection connection = DRIVER.connect(url, defaults);
        if (connection == null) {
            throw new SQLException("driver refused the URL " + mask(url));
        }
        return connection;
    }

    /** {@code host:port/database}, for messages. */
    String described() {
        return described;
    }

    /**
     * The URL with any password replaced by {@code ***}: {@code password=} parameters (any case, up
     * to the next {@code &}) and {@code user:password@}; for logs and messages. Null stays null.
     */
    public static String mask(String url) {
        if (url == null) {
            return null;
        }
        String withoutParam = PASSWORD_PARAM.matcher(url).replaceAll("$1***");
        return USER_INFO.matcher(withoutParam).replaceAll("$1***@");
    }

    @Override
    public String toString() {
        return described;
    }
}
