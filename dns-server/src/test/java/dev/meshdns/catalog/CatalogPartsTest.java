package dev.meshdns.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** A plain file read in parts on several threads gives what one pass over the whole file gives. */
class CatalogPartsTest {

    /** Entries of every kind, bad ones and duplicates spread over the whole file, comments and blank lines. */
    private static String plainCatalog(int services, String indent) {
        StringBuilder yaml = new StringBuilder("services:\n");
        for (int i = 1; i <= services; i++) {
            String item = indent + "- ";
            String more = indent + "  ";
            switch (i % 7) {
                case 1 -> yaml.append(item).append("service: svc-").append(i).append('\n')
                        .append(more).append("hostnames: [svc-").append(i).append(".example.com, alt-").append(i)
                        .append(".example.com]  # two\n");
                case 2 -> yaml.append(item).append("{service: flow-").append(i).append(", vip: 240.0.")
                        .append(i / 250 % 250).append('.').append(i % 250 + 1).append("}\n");
                case 3 -> yaml.append(item).append("service: web-").append(i).append("_ns_svc_80\n")
                        .append(more).append("ports:\n").append(more).append("  - 80\n\n");
                case 4 -> yaml.append(item).append("service: svc-").append(i - 3).append('\n'); // a duplicate
                case 5 -> yaml.append(item).append("service: Bad_Name!x\n".replace("!", "")).append(more)
                        .append("vip: 10.0.0.1\n"); // outside the pool: a problem, or an entry, as the reader says
                case 6 -> yaml.append("# a comment between items\n").append(item).append("42\n"); // not a mapping
                default -> yaml.append(item).append("service: svc-").append(i).append('\n')
                        .append(more).append("hostnames:\n").append(more).append("  - h-").append(i).append(".example\n");
            }
        }
        return yaml.toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "    "})
    void aPlainFileIsCutBeforeItemLinesAndItsPartsReadAsTheWholeFile(String indent) throws CatalogException {
        String yaml = plainCatalog(3000, indent);

        List<String> parts = CatalogParts.of(yaml, 3, 0);

        assertThat(parts).hasSize(3);
        assertThat(parts.subList(1, 3)).allSatisfy(part -> assertThat(part).startsWith("services:\n" + indent + "- "));
        Catalog whole = CatalogFile.parseTree(yaml);
        Catalog inParts = CatalogFile.parseParts(parts, List.of());
        assertThat(inParts.entries()).isEqualTo(whole.entries()).hasSizeGreaterThan(1000);
        assertThat(inParts.problems()).isEqualTo(whole.problems()).hasSizeGreaterThan(800);
    }

    @Test
    void aLargePlainFileParsesAsOneTreeOfItWould() throws CatalogException {
        String yaml = plainCatalog(60_000, "  ");
        assertThat(yaml.length()).isGreaterThan(CatalogParts.MIN_CHARS);

        Catalog parsed = CatalogFile.parse(yaml);

        Catalog whole = CatalogFile.parseTree(yaml);
        assertThat(parsed.entries()).isEqualTo(whole.entries());
        assertThat(parsed.problems()).isEqualTo(whole.problems());
    }

    @Test
    void anErrorInALaterPartIsTheErrorOfTheWholeFile() {
        String yaml = plainCatalog(60_000, "  ") + "  - service: last\n    service: again\n";

        assertThatThrownBy(() -> CatalogFile.parse(yaml)).isInstanceOf(CatalogException.class)
                .hasMessage(messageOf(() -> CatalogFile.parseTree(yaml)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "services:\n  - service: a\n    hostnames: [\"a.example\"]\n  - service: b\n",
        "services:\n  - service: a\n    hostnames: ['a.example']\n  - service: b\n",
        "services:\n  - service: a\n    hostnames: [a.example,\n  - b]\n  - service: b\n",
        "services:\n  - service: a\n    note: |\n      text\n  - service: b\n",
        "services:\n  - service: &s a\n  - service: *s\n",
        "services:\n  - !!map {service: a}\n  - service: b\n",
        "services:\n  - service: a\nother: 1\n  - service: b\n",
        "services:\n  - service: a\n  service: b\n  - service: c\n",
        "services:\n- service: a\n---\n- service: b\n",
        "services:\n  - service: a\n\t- service: b\n",
        "services:\r\n  - service: a\r\n  - service: b\r\n",
        "services:\n  - service: a#b [\n  - service: b\n",
        "services:\n  - ? service\n    : a\n  - service: b\n",
        "services: [{service: a}]\n",
        "# a header comment\nservices:\n  - service: a\n  - service: b\n",
        "services:\n  service: a\n",
    })
    void anythingButAPlainFileIsReadWhole(String yaml) {
        assertThat(CatalogParts.of(yaml, 2, 0)).containsExactly(yaml);
    }

    @Test
    void aSmallFileOrOneCoreReadsWhole() {
        String yaml = plainCatalog(100, "  ");

        assertThat(CatalogParts.of(yaml, 2, yaml.length() + 1)).containsExactly(yaml);
        assertThat(CatalogParts.of(yaml, 1, 0)).containsExactly(yaml);
    }

    private interface Parse {
        Catalog run() throws CatalogException;
    }

    private static String messageOf(Parse parse) {
        try {
            parse.run();
            return "(no error)";
        } catch (CatalogException e) {
            return e.getMessage();
        }
    }
}
