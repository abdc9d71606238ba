package dev.meshdns.catalog;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A catalog file's content and its parse, with where each item of its {@code services:} list lies
 * ({@link ItemExtents}), so that {@link #reread} of an edited file parses again only the items the
 * edit touched and takes every other entry from this parse: exactly what {@link CatalogFile#parse}
 * of the new content gives, or that parse itself whenever the edit is not one it can be sure of.
 * Immutable and thread-safe as long as the first {@code length} bytes of the content array it was
 * given (it keeps the array, not a copy) are not written: its owner may reuse the array for a later
 * read once it holds no parse of it (see {@link CatalogWatcher}).
 */
final class ParsedCatalog {
    /** What a part of the list is read under: the root mapping's key, as in the file. */
    private static final String LIST = "services:\n";
    private static final int BLOCK = 4096;

    /** The content is {@code content[0, length)}. */
    private final byte[] content;
    private final int length;
    private final List<String> topLevelProblems;
    private final CatalogItems items;
    private final Catalog catalog;
    /** Null: the next re-read is a full parse. */
    private final ItemExtents extents;
    private final int itemsParsed;
    private final boolean incremental;

    private ParsedCatalog(byte[] content, int length, CatalogFile.Parsed parsed, ItemExtents extents,
                          int itemsParsed, boolean incremental) {
        this.content = content;
        this.length = length;
        this.topLevelProblems = parsed.topLevelProblems();
        this.items = parsed.items();
        this.catalog = parsed.catalog();
        this.extents = extents;
        this.itemsParsed = itemsParsed;
        this.incremental = incremental;
    }

    /** Parses the whole content (UTF-8), keeping the instance in {@code previous} of each entry equal to one. */
    static ParsedCatalog parse(byte[] content, List<ServiceEntry> previous) throws CatalogException {
        return parse(content, content.length, previous);
    }

    /** {@link #parse(byte[], List)} of {@code content[0, length)}. */
    static ParsedCatalog parse(byte[] content, int length, List<ServiceEntry> previous) throws CatalogException {
        String text = new String(content, 0, length, StandardCharsets.UTF_8);
        ItemExtents.Recorder recorder = isAscii(content, 0, length) ? new ItemExtents.Recorder(text) : null;
        CatalogFile.Parsed parsed = CatalogFile.parse(text, previous, recorder);
        return new ParsedCatalog(content, length, parsed, recorder == null ? null : recorder.extents(),
                parsed.items().size(), false);
    }

    Catalog catalog() {
        return catalog;
    }

    /** How many items the list has, kept or skipped. */
    int items() {
        return items.size();
    }

    /** Whether this parse took the entries outside the edit from the previous one. */
    boolean incremental() {
        return incremental;
    }

    /** How many items of the list this parse read: all for a full parse. */
    int itemsParsed() {
        return itemsParsed;
    }

    /** Where the list's items lie, or null when a re-read is a full parse. */
    ItemExtents extents() {
        return extents;
    }

    /** This parse without its content and extents (its entries stay for instance reuse): the next re-read is full. */
    ParsedCatalog withoutContent() {
        return new ParsedCatalog(null, 0, new CatalogFile.Parsed(topLevelProblems, items), null, itemsParsed,
                incremental);
    }

    /**
     * The parse of {@code next}, the file's new content: the items the change between this
     * content and {@code next} touches are parsed again, the others taken from this parse, when
     * the change lies within the list's items and they read the same in the new text; else a
     * full parse (which also gives the error of a file rejected as a whole).
     */
    ParsedCatalog reread(byte[] next) throws CatalogException {
        return reread(next, next.length);
    }

    /** {@link #reread(byte[])} of {@code next[0, nextLength)}. */
    ParsedCatalog reread(byte[] next, int nextLength) throws CatalogException {
        ParsedCatalog read = extents == null || content == null ? null : incremental(next, nextLength);
        return read != null ? read : parse(next, nextLength, catalog.entries());
    }

    private ParsedCatalog incremental(byte[] next, int nextLength) {
        if (nextLength > CatalogFile.MAX_CODE_POINTS) {
            return null;
        }
        int prefix = Arrays.mismatch(content, 0, length, next, 0, nextLength);
        if (prefix < 0) {
            return new ParsedCatalog(next, nextLength, new CatalogFile.Parsed(topLevelProblems, items), extents, 0,
                    true);
        }
        int suffix = commonSuffix(content, length, next, nextLength, Math.min(length, nextLength) - prefix);
        int changedEnd = length - suffix;
        if (prefix < extents.start(0) || changedEnd > extents.end()) {
            return null; // before the first item (the services: key among it), or after the list
        }
        int from = firstTouched(prefix, changedEnd);
        int to = lastTouched(from, prefix, changedEnd);
        int partStart = extents.start(from);
        int oldEnd = extents.start(to + 1);
        int delta = nextLength - length;
        int newEnd = oldEnd + delta;
        if (!independent(content, partStart, oldEnd) || !independent(next, partStart, newEnd)
                || (newEnd > partStart && newEnd < nextLength && next[newEnd - 1] != '\n')) {
            return null;
        }
        List<EntryReader.Outcome> outcomes = new ArrayList<>();
        ItemExtents part = newEnd == partStart ? null : readPart(next, partStart, newEnd, outcomes);
        if (newEnd > partStart && part == null) {
            return null;
        }
        CatalogItems replaced = items.replace(from, to, outcomes);
        if (replaced == null || replaced.size() == 0) {
            return null;
        }
        ItemExtents moved = extents.replace(from, to, part == null ? ItemExtents.none() : part,
                partStart - LIST.length(), delta);
        return new ParsedCatalog(next, nextLength, new CatalogFile.Parsed(topLevelProblems, replaced), moved,
                outcomes.size(), true);
    }

    /** The first item the change of {@code [prefix, changedEnd)} touches; the item count for text put after the list. */
    private int firstTouched(int prefix, int changedEnd) {
        boolean afterList = changedEnd == prefix && prefix == extents.end() && content[prefix - 1] == '\n';
        return afterList ? extents.items() : extents.itemAt(prefix);
    }

    /** The last item the change touches; {@code from - 1} when it only puts text between two items. */
    private int lastTouched(int from, int prefix, int changedEnd) {
        if (changedEnd == prefix && prefix == extents.start(from)) {
            return from - 1;
        }
        return changedEnd > prefix ? Math.max(from, extents.itemAt(changedEnd - 1)) : from;
    }

    /**
     * Reads {@code next[from, to)} under {@code services:} alone: its items' outcomes go to
     * {@code outcomes}. The extents of its items, or null unless it is a list of whole items at the
     * same column as the file's, with nothing else in the text.
     */
    private ItemExtents readPart(byte[] next, int from, int to, List<EntryReader.Outcome> outcomes) {
        String text = LIST + new String(next, from, to - from, StandardCharsets.US_ASCII);
        ItemExtents.Recorder recorder = new ItemExtents.Recorder(text);
        Object root;
        try {
            root = CatalogFile.loadStreamed(text, item -> outcomes.add(EntryReader.read(item)), recorder);
        } catch (RuntimeException | StackOverflowError e) {
            return null;
        }
        ItemExtents part = recorder.extents();
        boolean alone = root instanceof Map<?, ?> top && top.size() == 1 && top.get("services") instanceof List<?>;
        if (!alone || part == null || part.start(0) != LIST.length() || part.end() != text.length()
                || part.indent() != extents.indent() || part.items() != outcomes.size()) {
            return null;
        }
        return part;
    }

    /**
     * Whether a part of the list reads the same on its own: ASCII, no anchor or alias (an entry
     * elsewhere could refer to it, or it to one), no tag or directive, no document marker.
     */
    private static boolean independent(byte[] text, int from, int to) {
        boolean lineStart = true; // from is a line start
        for (int i = from; i < to; i++) {
            byte c = text[i];
            if (c < 0 || c == '&' || c == '*' || c == '!' || c == '%') {
                return false;
            }
            if (lineStart && (c == '-' || c == '.') && i + 2 < to && text[i + 1] == c && text[i + 2] == c) {
                return false;
            }
            lineStart = c == '\n';
        }
        return true;
    }

    private static boolean isAscii(byte[] text, int from, int to) {
        int bits = 0;
        for (int i = from; i < to; i++) {
            bits |= text[i];
        }
        return bits >= 0;
    }

    /** How many bytes {@code a[0, aLength)} and {@code b[0, bLength)} end with in common, at most {@code max}. */
    private static int commonSuffix(byte[] a, int aLength, byte[] b, int bLength, int max) {
        int n = 0;
        while (n + BLOCK <= max && Arrays.equals(a, aLength - n - BLOCK, aLength - n,
                b, bLength - n - BLOCK, bLength - n)) {
            n += BLOCK;
        }
        while (n < max && a[aLength - 1 - n] == b[bLength - 1 - n]) {
            n++;
        }
        return n;
    }
}
