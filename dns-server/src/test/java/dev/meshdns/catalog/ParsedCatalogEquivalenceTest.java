package dev.meshdns.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A re-read ({@link ParsedCatalog#reread}) gives what {@link CatalogFile#parse} of the new text
 * gives, whichever path it took: random catalogs (machine-written ones like gen.py's and richer:
 * hostnames, pins, ports, comments, blank lines, quotes, bad entries, duplicates, other top-level
 * keys) under chains of random edits (items added, removed, replaced at the start, middle and end;
 * characters typed or deleted anywhere, breaking the YAML or not; anchors, aliases, tags, document
 * markers, indentation changes, non-ASCII). Fixed seeds, printed with the texts on a failure.
 */
class ParsedCatalogEquivalenceTest {
    private static final int CATALOGS = 400;
    private static final int EDITS = 12;

    @Test
    void everyRereadGivesTheFullParseOfTheNewText() {
        int incremental = 0;
        int rereads = 0;
        for (int seed = 1; seed <= CATALOGS; seed++) {
            Random random = new Random(seed);
            Catalogs catalogs = new Catalogs(random);
            String text = catalogs.catalog();
            ParsedCatalog parsed = reread(null, text);
            for (int edit = 0; edit < EDITS; edit++) {
                String next = catalogs.edit(text);
                String where = "seed " + seed + ", edit " + edit + "\n--- before:\n" + text + "\n--- after:\n" + next;
                Object expected = ReadOutcome.of(() -> CatalogFile.parse(next));
                ParsedCatalog before = parsed;
                ParsedCatalog read = reread(before, next);
                Object actual = ReadOutcome.of(() -> read == null ? parsed(before, next).catalog() : read.catalog());
                assertThat(actual).as(where).isEqualTo(expected);
                rereads++;
                if (read == null) {
                    parsed = parsed == null ? null : parsed.withoutContent(); // as the watcher keeps it
                } else {
                    if (read.incremental()) {
                        incremental++;
                        assertThat(read.extents()).as("extents after an incremental re-read, " + where)
                                .isEqualTo(fullParse(next).extents());
                    }
                    parsed = read;
                }
                text = next;
            }
        }
        assertThat(incremental).as("re-reads that took the incremental path, of " + rereads)
                .isGreaterThan(rereads / 3);
    }

    /** The re-read of {@code text} after {@code parsed} (a first read when null), or null when rejected. */
    private static ParsedCatalog reread(ParsedCatalog parsed, String text) {
        try {
            return parsed(parsed, text);
        } catch (CatalogException e) {
            return null;
        }
    }

    private static ParsedCatalog parsed(ParsedCatalog parsed, String text) throws CatalogException {
        return parsed == null ? ParsedCatalog.parse(bytes(text), List.of()) : parsed.reread(bytes(text));
    }

    private static ParsedCatalog fullParse(String text) {
        try {
            return ParsedCatalog.parse(bytes(text), List.of());
        } catch (CatalogException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }



    /** Random catalog texts and edits of them. */
    private static final class Catalogs {
        private static final String[] TYPED = {"a", "Z", "0", "-", " ", ":", "\n", "\"", "'", "[", "]", "{", "}",
            ",", "#", "&a ", "*a", "!!str ", "%", "---\n", "...\n", "é", "\t", "|\n", "- ", "  - service: typed\n"};

        private final Random random;
        private final String indent;
        /** Machine-written (gen.py's lines, with hostnames, pins and ports), or anything. */
        private final boolean machine;
        private int serial;

        Catalogs(Random random) {
            this.random = random;
            this.machine = random.nextBoolean();
            this.indent = switch (random.nextInt(6)) {
                case 0 -> "";
                case 1 -> "    ";
                default -> "  ";
            };
        }

        String catalog() {
            StringBuilder text = new StringBuilder();
            if (random.nextInt(4) == 0) {
                text.append("# the mesh's services\n");
            }
            if (random.nextInt(6) == 0) {
                text.append("version: 1\n");
            }
            text.append("services:").append(random.nextInt(8) == 0 ? " # all of them" : "").append('\n');
            int items = 1 + random.nextInt(random.nextBoolean() ? 8 : 40);
            for (int i = 0; i < items; i++) {
                text.append(item());
            }
            if (random.nextInt(6) == 0) {
                text.append(random.nextBoolean() ? "other: [x]\n" : "other: *h" + random.nextInt(serial + 1) + "\n");
            }
            return text.toString();
        }

        /** One item of the list, its lines ending in a newline. */
        String item() {
            String service = serial < 3 || random.nextInt(10) > 0 ? "svc-" + serial++ : "svc-" + random.nextInt(serial);
            String dash = indent + "- ";
            String in = indent + "  ";
            int kind = machine ? new int[] {0, 1, 2, 16, 99, 99, 99, 99}[random.nextInt(8)] : random.nextInt(26);
            return switch (kind) {
                case 0 -> dash + "service: " + service + "\n" + in + "hostnames: [" + service + ".example.com, api."
                        + service + ".example.org]\n";
                case 1 -> dash + "service: " + service + "\n" + in + "vip: 240.0.0." + (1 + random.nextInt(250)) + "\n"
                        + in + "ports: [80, 443]\n";
                case 2 -> dash + "service: " + service + "\n" + in + "vip6: \"fd00::" + (1 + random.nextInt(250))
                        + "\"\n" + in + "ports:\n" + in + "  - 8080\n";
                case 3 -> dash + "service: \"" + service + "\"\n";
                case 4 -> dash + "service: '" + service.toUpperCase() + "'\n";
                case 5 -> dash + "service: " + service + " # note\n" + (random.nextBoolean() ? "\n" : "")
                        + in + "# about " + service + "\n";
                case 6 -> dash + "service: Bad Name\n";
                case 7 -> dash + "just a string\n";
                case 8 -> dash + "hostnames: [" + service + ".example.com]\n";
                case 9 -> dash + "service: " + service + "\n" + in + "vip: not-an-ip\n";
                case 10 -> dash + "{service: " + service + ", ports: [53]}\n";
                case 11 -> indent + "-\n";
                case 12 -> indent + "-\n" + in + "service: " + service + "\n";
                case 13 -> dash + "service: " + service + "\n" + in + "hostnames: [" + service + ".example.com,\n"
                        + in + "  other." + service + ".example.com]\n";
                case 14 -> dash + "service: \"" + service + "\n" + in + "  continued\"\n";
                case 15 -> dash + "service: " + service + "\n" + in + "vips: 240.0.0.1\n";
                case 16 -> dash + "service: " + service + "\n" + in + "hostnames:\n" + in + "  - " + service
                        + ".example.com\n";
                case 17 -> "# " + service + " follows\n" + dash + "service: " + service + "\n";
                case 18 -> dash + "service: " + service + "\n" + in + "hostnames: &h" + serial + " [" + service
                        + ".example.com]\n";
                case 20 -> dash + "service: \"" + service + "\n" + dash + "in the quote\"\n"; // a line like an item's
                case 19 -> dash + "service: " + service + "\n" + in + "hostnames: *h" + random.nextInt(serial + 1) + "\n";
                default -> dash + "service: " + service + "\n";
            };
        }

        String edit(String text) {
            List<Integer> items = itemLines(text);
            int at = random.nextInt(text.length() + 1);
            int kind = machine ? new int[] {0, 0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 13}[random.nextInt(12)]
                    : random.nextInt(14);
            return switch (kind) {
                case 0, 1 -> text + item(); // appended, as measure.sh does
                case 2, 3 -> insertAt(text, pick(items, text), item());
                case 4 -> removeItem(text, items, 1 + random.nextInt(3));
                case 5 -> replaceItem(text, items);
                case 6 -> text.substring(0, at) + TYPED[random.nextInt(TYPED.length)] + text.substring(at);
                case 7 -> text.substring(0, at) + text.substring(Math.min(text.length(), at + 1 + random.nextInt(4)));
                case 8 -> reindent(text);
                case 9 -> editComment(text);
                case 10 -> edit(edit(text)); // two edits apart: one re-read
                case 11 -> editAnchored(text);
                case 12 -> insertAt(text, pick(items, text), item() + (random.nextBoolean() ? "...\n" : "---\n"));
                default -> replaceService(text);
            };
        }

        /** Where each line that starts an item of the list (at the catalog's indent) begins. */
        private List<Integer> itemLines(String text) {
            List<Integer> lines = new ArrayList<>();
            int line = 0;
            while (line < text.length()) {
                if (text.startsWith(indent + "-", line)) {
                    lines.add(line);
                }
                int newline = text.indexOf('\n', line);
                line = newline < 0 ? text.length() : newline + 1;
            }
            return lines;
        }

        private int pick(List<Integer> items, String text) {
            return items.isEmpty() ? text.length() : items.get(random.nextInt(items.size()));
        }

        private static String insertAt(String text, int at, String inserted) {
            return text.substring(0, at) + inserted + text.substring(at);
        }

        private String removeItem(String text, List<Integer> items, int count) {
            if (items.isEmpty()) {
                return text;
            }
            int first = random.nextInt(items.size());
            int last = Math.min(items.size() - 1, first + count - 1);
            int end = last + 1 < items.size() ? items.get(last + 1) : endOfLine(text, items.get(last));
            return text.substring(0, items.get(first)) + text.substring(end);
        }

        private String replaceItem(String text, List<Integer> items) {
            if (items.isEmpty()) {
                return text + item();
            }
            int k = random.nextInt(items.size());
            int end = k + 1 < items.size() ? items.get(k + 1) : endOfLine(text, items.get(k));
            return text.substring(0, items.get(k)) + item() + text.substring(end);
        }

        private String replaceService(String text) {
            int at = text.indexOf("service: svc-", random.nextInt(text.length() + 1));
            if (at < 0) {
                return text + item();
            }
            int end = endOfLine(text, at) - 1;
            String name = switch (random.nextInt(4)) {
                case 0 -> "svc-" + random.nextInt(Math.max(1, serial)); // maybe a duplicate now
                case 1 -> "SVC-" + random.nextInt(Math.max(1, serial));
                case 2 -> "renamed-" + serial++;
                default -> "";
            };
            return text.substring(0, at) + "service: " + name + text.substring(Math.max(at, end));
        }

        private String reindent(String text) {
            int line = pick(itemLines(text), text);
            return random.nextBoolean() ? insertAt(text, line, " ")
                    : text.startsWith(" ", line) ? text.substring(0, line) + text.substring(line + 1) : text;
        }

        /** A hostname of an item with an anchor, which other items may refer to. */
        private String editAnchored(String text) {
            int anchor = text.indexOf("&h", random.nextInt(text.length() + 1));
            anchor = anchor < 0 ? text.indexOf("&h") : anchor;
            int list = anchor < 0 ? -1 : text.indexOf('[', anchor);
            return list < 0 ? replaceService(text) : insertAt(text, list + 1, "edited.");
        }

        private String editComment(String text) {
            int hash = text.indexOf('#', random.nextInt(text.length() + 1));
            if (hash < 0) {
                return insertAt(text, pick(itemLines(text), text), indent + "# a comment\n");
            }
            return insertAt(text, hash + 1, machine || random.nextBoolean() ? " edited" : " &x *y é");
        }

        private static int endOfLine(String text, int from) {
            int newline = text.indexOf('\n', from);
            return newline < 0 ? text.length() : newline + 1;
        }
    }
}
