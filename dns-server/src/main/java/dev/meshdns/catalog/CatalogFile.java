package dev.meshdns.catalog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.SequenceStartEvent;
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
    /** The longest text read, in code points (SnakeYAML's limit). */
    static final int MAX_CODE_POINTS = 64 * 1024 * 1024;

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
        return parse(yaml, previous, null).catalog();
    }

    /** What {@link #parse} reads: the problems of the top-level keys, then the items of the list. */
    record Parsed(List<String> topLevelProblems, CatalogItems items) {
        Catalog catalog() {
            List<String> problems = new ArrayList<>(topLevelProblems);
            problems.addAll(items.problems());
            return new Catalog(items.entries(), problems);
        }
    }

    /**
     * {@link #parse(String, List)}, the items kept apart; {@code extents}, when not null, is shown
     * each streamed item of the list (and abandoned when the file is read as one tree instead).
     */
    static Parsed parse(String yaml, List<ServiceEntry> previous, ItemExtents.Recorder extents)
            throws CatalogException {
        CatalogItems.Reader streamed = new CatalogItems.Reader(previous);
        Object root;
        try {
            root = load(yaml, streamed::add, extents);
        } catch (RuntimeException | StackOverflowError e) {
            // Whatever went wrong (a key holding, through an alias, the collection it is in overflows
            // the stack), the whole-tree reader gives the error it always gave.
            if (extents != null) {
                extents.abandon();
            }
            return parse(treeOf(yaml), new CatalogItems.Reader(List.of()));
        }
        return parse(root, streamed);
    }

    /** Parses catalog text from one document tree of the whole file: the reference for {@link #parse}. */
    static Catalog parseTree(String yaml) throws CatalogException {
        return parse(treeOf(yaml), new CatalogItems.Reader(List.of())).catalog();
    }

    /**
     * Reads text with a root {@code services:} list streamed to {@code items} and shown to
     * {@code extents}; the root as read (its list empty when streamed). SnakeYAML's exceptions
     * are not caught: for reading a part of a file, where any failure means "read it all".
     */
    static Object loadStreamed(String yaml, Consumer<Object> items, ItemExtents.Recorder extents) {
        return load(yaml, items, extents);
    }

    private static Parsed parse(Object root, CatalogItems.Reader entries) throws CatalogException {
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
        return new Parsed(problems, entries.items());
    }

    /**
     * The document as {@code Yaml.load} reads it, except that the items of a plain root
     * {@code services:} list go to {@code items} as they are read (see {@link StreamingComposer})
     * when {@code items} is not null.
     */
    private static Object load(String yaml, Consumer<Object> items, ItemExtents.Recorder extents) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setCodePointLimit(MAX_CODE_POINTS);
        options.setAllowRecursiveKeys(false);
        ItemConstructor constructor = new ItemConstructor(options);
        new Yaml(constructor); // applies the options to the constructor, as for Yaml.load
        ParserImpl parser = new ParserImpl(new StreamReader(yaml), options);
        constructor.setComposer(items == null ? new Composer(parser, new Resolver(), options)
                : new StreamingComposer(parser, new Resolver(), options, new StreamingComposer.Items() {
                    @Override
                    public void opened(Node key, SequenceStartEvent start) {
                        if (extents != null) {
                            extents.opened(key, start);
                        }
                    }

                    @Override
                    public void item(Node item) {
                        if (extents != null) {
                            extents.item(item);
                        }
                        items.accept(constructor.constructItem(item));
                    }

                    @Override
                    public void closed(Mark end) {
                        if (extents != null) {
                            extents.closed(end);
                        }
                    }
                }));
        return constructor.getSingleData(Object.class);
    }

    private static Object treeOf(String yaml) throws CatalogException {
        try {
            return load(yaml, null, null);
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
