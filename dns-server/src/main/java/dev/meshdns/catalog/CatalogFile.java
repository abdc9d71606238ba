package dev.meshdns.catalog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads the catalog YAML ({@code services:} list of entries). A bad entry is skipped with a
 * problem naming it while every good entry is kept; a file that is not usable at all throws
 * {@link CatalogException}. The entries are read as the list is parsed, not from a document tree
 * of the whole file (see {@link StreamingComposer}). Stateless and thread-safe (a new YAML parser
 * per call).
 */
public final class CatalogFile {
    private static final int MAX_CODE_POINTS = 64 * 1024 * 1024;
    /** How many entries of the previous parse are compared with each new one: removals of up to 3 in a row. */
    private static final int LOOK_AHEAD = 4;

    private CatalogFile() {
    }

    /** Reads and parses a catalog file (UTF-8). */
    public static Catalog read(Path file) throws IOException, CatalogException {
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    /** Parses catalog text. */
    public static Catalog parse(String yaml) throws CatalogException {
        return parse(yaml, List.of());
    }

    /**
     * Parses catalog text, handing back the instance in {@code previous} (the entries of the last
     * parse of the same file) of each entry read equal to it. Equal values, so the outcome is that
     * of {@link #parse(String)}; but an edit of a few entries of a million then keeps only those few
     * new objects, and the rest of the parse is garbage that dies young.
     */
    public static Catalog parse(String yaml, List<ServiceEntry> previous) throws CatalogException {
        Entries streamed = new Entries(previous);
        Object root;
        try {
            root = load(yaml, streamed::add);
        } catch (RuntimeException | StackOverflowError e) {
            // Whatever went wrong (a key holding, through an alias, the collection it is in overflows
            // the stack), the whole-tree reader gives the error it always gave.
            return parseTree(yaml);
        }
        return parse(root, streamed);
    }

    /** Parses catalog text from one document tree of the whole file: the reference for {@link #parse}. */
    static Catalog parseTree(String yaml) throws CatalogException {
        return parse(treeOf(yaml), new Entries(List.of()));
    }

    private static Catalog parse(Object root, Entries entries) throws CatalogException {
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
        if (services != null) {
            ((List<?>) services).forEach(entries::add); // empty when its items were streamed
        }
        problems.addAll(entries.problems);
        return new Catalog(entries.entries, problems);
    }

    /** The entries of the {@code services:} list, in order, and a problem for each one skipped. */
    private static final class Entries {
        private final List<ServiceEntry> entries = new ArrayList<>();
        private final List<String> problems = new ArrayList<>();
        private final Map<String, Integer> firstIndex = new HashMap<>();
        private final List<ServiceEntry> previous;
        private int previousAt;
        private int number;

        Entries(List<ServiceEntry> previous) {
            this.previous = previous;
        }

        void add(Object item) {
            number++;
            EntryReader.Outcome outcome = EntryReader.read(item);
            String name = prefix(number, outcome.rawService());
            if (outcome.entry() == null) {
                problems.add(name + String.join("; ", outcome.problems()));
                return;
            }
            ServiceEntry entry = previousOrSame(outcome.entry());
            Integer first = firstIndex.putIfAbsent(entry.service(), number);
            if (first != null) {
                problems.add(name + "duplicate service, already defined by catalog entry #" + first);
                return;
            }
            entries.add(entry);
        }

        /**
         * The previous parse's instance when it is equal: looked for at the next few places after the
         * last one found (files change by edits, mostly in place), so no map of the previous entries.
         */
        private ServiceEntry previousOrSame(ServiceEntry entry) {
            int end = Math.min(previous.size(), previousAt + LOOK_AHEAD);
            for (int at = previousAt; at < end; at++) {
                ServiceEntry candidate = previous.get(at);
                if (candidate.equals(entry)) {
                    previousAt = at + 1;
                    return candidate;
                }
            }
            return entry;
        }
    }

    private static String prefix(int number, String rawService) {
        return rawService == null
                ? "catalog entry #" + number + ": "
                : "catalog entry #" + number + " (service \"" + rawService + "\"): ";
    }

    /**
     * The document as {@code Yaml.load} reads it, except that the items of a plain root
     * {@code services:} list go to {@code items} as they are read (see {@link StreamingComposer})
     * when {@code items} is not null.
     */
    private static Object load(String yaml, Consumer<Object> items) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setCodePointLimit(MAX_CODE_POINTS);
        options.setAllowRecursiveKeys(false);
        ItemConstructor constructor = new ItemConstructor(options);
        new Yaml(constructor); // applies the options to the constructor, as for Yaml.load
        ParserImpl parser = new ParserImpl(new StreamReader(yaml), options);
        constructor.setComposer(items == null ? new Composer(parser, new Resolver(), options)
                : new StreamingComposer(parser, new Resolver(), options,
                        item -> items.accept(constructor.constructItem(item))));
        return constructor.getSingleData(Object.class);
    }

    private static Object treeOf(String yaml) throws CatalogException {
        try {
            return load(yaml, null);
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

    /** SnakeYAML's safe constructor that can also build one node on its own (an item of the list). */
    private static final class ItemConstructor extends SafeConstructor {
        ItemConstructor(LoaderOptions options) {
            super(options);
        }

        Object constructItem(Node item) {
            return constructDocument(item);
        }
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*\\n\\s*", " ").trim();
    }
}
