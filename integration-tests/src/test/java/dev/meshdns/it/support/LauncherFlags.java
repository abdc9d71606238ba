package dev.meshdns.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVM flags the launcher ({@code ../mesh-dns}) runs with when {@code JAVA_OPTS} is unset, read
 * from the script itself: a test or bench of "the launcher's defaults" follows it, never a copy.
 */
public final class LauncherFlags {
    private static final Path LAUNCHER = Path.of("..", "mesh-dns");
    private static final Pattern DEFAULTS = Pattern.compile("\\$\\{JAVA_OPTS:-([^}]*)}");

    private LauncherFlags() {
    }

    /** The flags of the launcher's {@code ${JAVA_OPTS:-...}}, in order. */
    public static List<String> defaults() {
        String script;
        try {
            script = Files.readString(LAUNCHER);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the launcher " + LAUNCHER.toAbsolutePath(), e);
        }
        Matcher found = DEFAULTS.matcher(script);
        if (!found.find()) {
            throw new IllegalStateException("the launcher " + LAUNCHER.toAbsolutePath() + " has no ${JAVA_OPTS:-...}");
        }
        return Arrays.asList(found.group(1).trim().split("\\s+"));
    }
}
