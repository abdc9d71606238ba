package dev.meshdns.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A catalog file as YAML text, built entry by entry, written atomically (temp file + rename) so
 * the server never reads half a file. Immutable; {@code with} returns a new catalog.
 */
public final class Catalog {
    private final List<String> entries;

    private Catalog(List<String> entries) {
        this.entries = List.copyOf(entries);
    }

    public static Catalog empty() {
        return new Catalog(List.of());
    }

    /** The README example catalog: backend, frontend_kong_svc_80, httpbin (httpbin.org, pinned 240.0.0.100). */
    public static Catalog example() {
        return empty()
                .withService("backend")
                .withService("frontend_kong_svc_80")
                .with("- service: httpbin\n  hostnames: [httpbin.org]\n  vip: 240.0.0.100\n");
    }

    public Catalog withService(String service) {
        return with("- service: " + service + "\n");
    }

    public Catalog withServices(List<String> services) {
        Catalog catalog = this;
        for (String service : services) {
            catalog = catalog.withService(service);
        }
        return catalog;
    }

    public Catalog withService(String service, String pinnedVip, List<String> hostnames) {
        return with("- service: " + service + "\n"
                + "  vip: " + pinnedVip + "\n"
                + "  hostnames: [" + String.join(", ", hostnames) + "]\n");
    }

    /** Adds one entry given as YAML list-item text, e.g. {@code "- service: x\n  vip: 1.2.3.4\n"}. */
    public Catalog with(String entryYaml) {
        List<String> more = new ArrayList<>(entries);
        more.add(entryYaml);
        return new Catalog(more);
    }

    public String yaml() {
        return "services:\n" + (entries.isEmpty() ? "  []\n" : indent(String.join("", entries)));
    }

    private static String indent(String text) {
        StringBuilder out = new StringBuilder();
        for (String line : text.split("\n")) {
            out.append("  ").append(line).append('\n');
        }
        return out.toString();
    }

    public void writeTo(Path file) {
        writeAtomically(file, yaml());
    }

    /** Writes any text (a broken file included) atomically to {@code file}. */
    public static void writeAtomically(Path file, String text) {
        try {
            Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), ".catalog-", ".tmp");
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
