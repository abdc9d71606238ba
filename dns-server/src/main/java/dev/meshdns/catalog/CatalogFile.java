package dev.meshdns.catalog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads the catalog YAML ({@code services:} list of entries). A bad entry is skipped with a
 * problem naming it while every good entry is kept; a file that is not usable at all throws
 * {@link CatalogException}. Stateless and thread-safe (a new YAML parser per call).
 */
public final class CatalogFile {
    private static final int MAX_CODE_POINTS = 64 * 1024 * 1024;

    private CatalogFile() {
    }

    /** Reads and parses a catalog file (UTF-8). */
    public static Catalog read(Path file) throws IOException, CatalogException {
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    /** Parses catalog text. */
    public static Catalog parse(String yaml) throws CatalogException {
        Object root = load(yaml);
        if (!(root instanceof Map<?, ?> top) || !top.containsKey("services")) {
            throw new CatalogException("catalog must be a YAML mapping with a \"services:\" list");
        }
        Object services = top.get("services");
        if (services != null && !(services instanceof List<?>)) {
            throw new CatalogException("catalog \"services:\" must be a list of entries (got "
                    + EntryReader.describe(services) + ")");
        }
        List<String> problems = new ArrayList<>();
        for (Object key : top.keySet()) {
            if (!"services".equals(key)) {
                problems.add("catalog: unknown top-level key " + EntryReader.describe(key)
                        + " ignored (known: services)");
            }
        }
        List<?> items = services == null ? List.of() : (List<?>) services;
        return new Catalog(entries(items, problems), problems);
    }

    private static List<ServiceEntry> entries(List<?> items, List<String> problems) {
        List<ServiceEntry> entries = new ArrayList<>();
        Map<String, Integer> firstIndex = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            int number = i + 1;
            EntryReader.Outcome outcome = EntryReader.read(items.get(i));
            String name = prefix(number, outcome.rawService());
            if (outcome.entry() == null) {
                problems.add(name + String.join("; ", outcome.problems()));
                continue;
            }
            Integer first = firstIndex.putIfAbsent(outcome.entry().service(), number);
            if (first != null) {
                problems.add(name + "duplicate service, already defined by catalog entry #" + first);
                continue;
            }
            entries.add(outcome.entry());
        }
        return entries;
    }

    private static String prefix(int number, String rawService) {
        return rawService == null
                ? "catalog entry #" + number + ": "
                : "catalog entry #" + number + " (service \"" + rawService + "\"): ";
    }

    private static Object load(String yaml) throws CatalogException {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setCodePointLimit(MAX_CODE_POINTS);
        options.setAllowRecursiveKeys(false);
        try {
            return new Yaml(new SafeConstructor(options)).load(yaml);
        } catch (YAMLException e) {
            throw new CatalogException("catalog is not valid YAML: " + oneLine(e.getMessage()), e);
        } catch (RuntimeException e) {
            // SnakeYAML lets a tagged scalar it cannot build escape unwrapped: !!binary with bad
            // base64 (IllegalArgumentException), !!int or !!float that is no number (NumberFormatException).
            throw new CatalogException("catalog is not valid YAML: " + oneLine(e.toString()), e);
        } catch (StackOverflowError e) {
            // Its recursive-key check misses a key that holds, through an alias, a collection holding
            // the key's own mapping: hashing that key recurses without end. Nothing is held here, so
            // the unwound stack leaves nothing behind.
            throw new CatalogException("catalog is not valid YAML: a key holds, through an alias, the collection"
                    + " it is in");
        }
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*\\n\\s*", " ").trim();
    }
}
