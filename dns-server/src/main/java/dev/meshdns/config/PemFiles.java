package dev.meshdns.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The start-up check of a PEM file flag (certificate, key, CA), shared by both commands. Stateless. */
public final class PemFiles {

    private PemFiles() {
    }

    /** Adds a problem naming the flag and the path when the file is given but is not a readable file. */
    public static void check(String flag, Path file, List<String> problems) {
        if (file != null && (!Files.isRegularFile(file) || !Files.isReadable(file))) {
            problems.add(flag + " must be a readable PEM file (got " + file + ")");
        }
    }
}
