package dev.meshdns.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version mesh-dns was built as, from the resource {@code dev/meshdns/build.properties} that
 * Maven fills in (so it is the same in target/classes and in the shaded jar), else the jar
 * manifest's {@code Implementation-Version}, else "unknown". Stateless and thread-safe.
 */
public final class BuildInfo {
    private static final String RESOURCE = "/dev/meshdns/build.properties";
    private static final String VERSION = read();

    private BuildInfo() {
    }

    /** Like {@code 0.1.0-SNAPSHOT}. */
    public static String version() {
        return VERSION;
    }

    private static String read() {
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                String version = properties.getProperty("version", "");
                if (!version.isBlank() && !version.startsWith("${")) {
                    return version.trim();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        String manifest = BuildInfo.class.getPackage().getImplementationVersion();
        return manifest == null ? "unknown" : manifest;
    }
}
