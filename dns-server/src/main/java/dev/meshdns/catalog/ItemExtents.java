package dev.meshdns.catalog;

import java.util.Arrays;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.events.SequenceStartEvent;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Where each item of a block {@code services:} list lies in the text it was read from: item k from
 * the start of the line of its {@code -} to the start of the line of the next item's, the last one
 * to where the list ends (its trailing comments and blank lines are its own). Positions are in
 * characters of an ASCII text, so they are also its bytes and SnakeYAML's code points. One int per
 * item. Immutable and thread-safe; a {@link Recorder} builds it while the text is parsed.
 */
final class ItemExtents {
    /** The line start of each item's {@code -}, then where the list ends. */
    private final int[] starts;
    private final int indent;

    private ItemExtents(int[] starts, int indent) {
        this.starts = starts;
        this.indent = indent;
    }

    /** No items: what an edit that removes whole items puts in their place. */
    static ItemExtents none() {
        return new ItemExtents(new int[] {0}, -1);
    }

    int items() {
        return starts.length - 1;
    }

    /** Where item {@code k} starts; {@code start(items())} is where the list ends. */
    int start(int k) {
        return starts[k];
    }

    int end() {
        return starts[starts.length - 1];
    }

    /** The column of every item's {@code -}. */
    int indent() {
        return indent;
    }

    /** The item whose extent holds {@code position} (the last item for the list's end). */
    int itemAt(int position) {
        int at = Arrays.binarySearch(starts, 0, starts.length - 1, position);
        return at >= 0 ? at : -at - 2;
    }

    /**
     * These extents with items {@code from} to {@code to} (inclusive) replaced by {@code part}'s,
     * which were found in a text whose position 0 is at {@code offset} here, and the items after
     * them moved by {@code delta} characters.
     */
    ItemExtents replace(int from, int to, ItemExtents part, int offset, int delta) {
        int added = part.items();
        int[] replaced = new int[starts.length - (to - from + 1) + added];
        System.arraycopy(starts, 0, replaced, 0, from);
        for (int i = 0; i < added; i++) {
            replaced[from + i] = part.starts[i] + offset;
        }
        for (int k = to + 1; k < starts.length; k++) {
            replaced[from + added + k - to - 1] = starts[k] + delta;
        }
        return new ItemExtents(replaced, indent);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ItemExtents that && indent == that.indent && Arrays.equals(starts, that.starts);
    }

    @Override
    public int hashCode() {
        return 31 * indent + Arrays.hashCode(starts);
    }

    @Override
    public String toString() {
        return "ItemExtents[indent " + indent + ", " + Arrays.toString(starts) + "]";
    }

    /**
     * Checks, while SnakeYAML streams the list (see {@link StreamingComposer.Items}), that its items
     * are exactly the lines a scan of the text finds: {@code -} at the first item's column, after
     * spaces only, then a blank. Each item node must begin after its line's {@code -} and end by the
     * next one's, and no such line may lie inside an item (a quoted or flow scalar running across
     * lines) or after the last one. Anything else (a flow list, the key not at column 0) gives no
     * extents. The text must be ASCII (positions are compared with SnakeYAML's code points). Not
     * thread-safe: one per parse.
     */
    static final class Recorder {
        private final String text;
        private int[] starts = new int[64];
        private int items;
        private int indent = -1;
        private int lastEnd;
        private boolean failed;
        private ItemExtents extents;

        Recorder(String text) {
            this.text = text;
        }

        /** The extents, or null when the list was not one whose items the scan finds. */
        ItemExtents extents() {
            return failed ? null : extents;
        }

        /** The text was read another way (as one tree): keep nothing. */
        void abandon() {
            failed = true;
        }

        void opened(Node key, SequenceStartEvent start) {
            Mark dash = start.getStartMark();
            int lineStart = dash.getIndex() - dash.getColumn();
            if (indent >= 0 || key.getStartMark().getColumn() != 0
                    || start.getFlowStyle() != DumperOptions.FlowStyle.BLOCK || lineStart < 0
                    || !spacesOnly(lineStart, dash.getIndex())) {
                failed = true;
                return;
            }
            indent = dash.getColumn();
            starts[0] = lineStart;
        }

        void item(Node item) {
            if (failed || indent < 0) {
                failed = true;
                return;
            }
            if (items > 0) {
                int line = nextItemLine(starts[items - 1], text.length());
                if (line < 0 || lastEnd > line + indent) {
                    failed = true;
                    return;
                }
                if (items + 1 >= starts.length) {
                    starts = Arrays.copyOf(starts, starts.length * 2);
                }
                starts[items] = line;
            }
            int start = item.getStartMark().getIndex();
            lastEnd = item.getEndMark().getIndex();
            if (start <= starts[items] + indent || lastEnd < start) {
                failed = true;
                return;
            }
            items++;
        }

        void closed(Mark end) {
            int at = end.getIndex();
            if (failed || items == 0 || lastEnd > at || at > text.length()
                    || (at < text.length() && text.charAt(at - 1) != '\n')
                    || nextItemLine(starts[items - 1], at) >= 0) {
                failed = true;
                return;
            }
            starts[items] = at;
            extents = new ItemExtents(Arrays.copyOf(starts, items + 1), indent);
        }

        /** The start of the first line after the one starting at {@code from}, and before {@code limit}, that opens an item; -1 if none. */
        private int nextItemLine(int from, int limit) {
            int newline = text.indexOf('\n', from);
            while (newline >= 0 && newline + 1 < limit) {
                int line = newline + 1;
                if (opensItem(line)) {
                    return line;
                }
                newline = text.indexOf('\n', line);
            }
            return -1;
        }

        private boolean opensItem(int line) {
            int dash = line + indent;
            if (dash >= text.length() || text.charAt(dash) != '-' || !spacesOnly(line, dash)) {
                return false;
            }
            if (dash + 1 == text.length()) {
                return true;
            }
            char next = text.charAt(dash + 1);
            return next == ' ' || next == '\n' || next == '\r' || next == '\t';
        }

        private boolean spacesOnly(int from, int to) {
            for (int i = from; i < to; i++) {
                if (text.charAt(i) != ' ') {
                    return false;
                }
            }
            return true;
        }
    }
}
