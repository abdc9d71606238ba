package dev.meshdns.catalog;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a plain catalog file into parts that each parse alone to the same items, so a large file is
 * parsed on several cores. Plain means: the first line is {@code services:}, every other line is
 * blank, a comment, an item's first line at the items' indentation, or indented deeper; no quotes,
 * block scalars, anchors, aliases, tags, directives, complex keys, tabs or carriage returns; and
 * every flow collection closed on its own line. Nothing of one item can then reach into the next,
 * and the text before an item line at the items' indentation is whole items. Any other file is
 * read in one piece, the way it always was. Stateless.
 */
final class CatalogParts {
    /** Below this a file is quick to parse on one thread. */
    static final int MIN_CHARS = 1 << 20;
    private static final String HEADER = "services:\n";

    private CatalogParts() {
    }

    /**
     * The parts, each a document of its own ({@code services:} and a run of whole items), in file
     * order; just the text itself when it is not plain, smaller than {@code minChars}, or
     * {@code count} is 1.
     */
    static List<String> of(String yaml, int count, int minChars) {
        if (count < 2 || yaml.length() < minChars || !yaml.startsWith(HEADER)) {
            return List.of(yaml);
        }
        int indent = itemIndent(yaml);
        if (indent < 0) {
            return List.of(yaml);
        }
        String itemLine = "\n" + " ".repeat(indent) + "-";
        List<String> parts = new ArrayList<>(count);
        int start = 0;
        for (int part = 1; part < count; part++) {
            int cut = yaml.indexOf(itemLine, Math.max(start, (int) ((long) yaml.length() * part / count)));
            if (cut < 0) {
                break;
            }
            cut++; // after the newline: the item line starts the next part
            parts.add(start == 0 ? yaml.substring(0, cut) : HEADER + yaml.substring(start, cut));
            start = cut;
        }
        parts.add(start == 0 ? yaml : HEADER + yaml.substring(start));
        return parts;
    }

    /** The indentation of the items when the text after the header is plain, else -1. */
    static int itemIndent(String yaml) {
        int indent = -1;
        int at = HEADER.length();
        int length = yaml.length();
        while (at < length) {
            int end = yaml.indexOf('\n', at);
            if (end < 0) {
                end = length;
            }
            int spaces = 0;
            while (at + spaces < end && yaml.charAt(at + spaces) == ' ') {
                spaces++;
            }
            int first = at + spaces;
            if (first < end && yaml.charAt(first) != '#') {
                boolean item = yaml.charAt(first) == '-' && (first + 1 == end || yaml.charAt(first + 1) == ' ');
                if (indent < 0) {
                    if (!item) {
                        return -1;
                    }
                    indent = spaces;
                }
                if (spaces < indent || (spaces == indent && !item) || !plainLine(yaml, first, end)) {
                    return -1;
                }
            }
            at = end + 1;
        }
        return indent;
    }

    /** No character that starts something spanning lines or items, and flow collections closed on the line. */
    private static boolean plainLine(String yaml, int from, int end) {
        int depth = 0;
        for (int i = from; i < end; i++) {
            switch (yaml.charAt(i)) {
                case '"', '\'', '|', '>', '&', '*', '!', '%', '?', '\t', '\r', '`', '@' -> {
                    return false;
                }
                case '[', '{' -> depth++;
                case ']', '}' -> {
                    if (--depth < 0) {
                        return false;
                    }
                }
                case '#' -> {
                    // After a space, the rest is a comment; otherwise it is in a scalar: kept simple, read whole.
                    return depth == 0 && i > from && yaml.charAt(i - 1) == ' ';
                }
                default -> {
                }
            }
        }
        return depth == 0;
    }
}
