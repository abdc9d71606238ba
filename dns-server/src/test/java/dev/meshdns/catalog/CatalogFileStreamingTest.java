package dev.meshdns.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The streamed reader ({@link CatalogFile#parse}) gives what one document tree of the whole file
 * gives ({@link CatalogFile#parseTree}): the same entries and problems, or the same error.
 */
class CatalogFileStreamingTest {

    static Stream<String> documents() {
        return Stream.of(
                "services:\n  - service: a\n  - service: b\n    hostnames: [b.example.com]\n",
                "services: [{service: a}, {service: b}]\n",
                "other: 1\nservices:\n  - service: a\nlast: [x]\n",
                // aliases between entries, from a top-level key into an entry and from an entry out
                "services:\n  - service: a\n    hostnames: &h [a.example.com]\n  - service: b\n    hostnames: *h\n",
                "base: &b {service: shared}\nservices:\n  - *b\n  - service: own\n",
                "services:\n  - &e {service: a}\nagain: *e\n",
                // merge keys in an entry and at the top
                "services:\n  - <<: {service: merged}\n    vip: 240.0.0.9\n",
                "<<: {services: [{service: merged}]}\n",
                "<<: {services: [{service: merged}]}\nservices: [{service: explicit}]\n",
                // anchors on the root or on the list: something may refer to them, so the tree is kept
                "&root {services: [*root]}\n",
                "services: &s [{service: a}]\ncopy: *s\n",
                "services: &s [{service: a, hostnames: *s}]\n",
                "services: !!seq [{service: a}]\n",
                "!!map {services: [{service: a}]}\n",
                // a recursive entry, duplicate services, bad entries between good ones
                "services:\n  - &r [*r]\n  - service: a\n  - service: A\n  - 42\n",
                // not a usable file
                "services:\n  - service: a\nservices:\n  - service: b\n",
                "services:\n  - service: !!int abc\n  - [unclosed\n",
                "services:\n  - service: a\n---\nservices: []\n",
                "services:\n  - service: *nowhere\n",
                "services:\n  - service: a\n    service: b\n",
                "- services: [{service: a}]\n",
                "services:\n",
                "",
                "services: " + "[".repeat(48) + "]".repeat(48) + "\n",
                "services: " + "[".repeat(49) + "]".repeat(49) + "\n",
                "services:\n  - " + "[".repeat(47) + "]".repeat(47) + "\n",
                "services:\n  - " + "[".repeat(48) + "]".repeat(48) + "\n",
                "services:\n" + "  - &a [x]\n".repeat(3) + "  - [" + "*a, ".repeat(60) + "*a]\n");
    }

    @ParameterizedTest
    @MethodSource("documents")
    void streamingReadsEveryDocumentLikeOneTreeOfTheWholeFile(String yaml) {
        Object tree = ReadOutcome.of(() -> CatalogFile.parseTree(yaml));

        Object streamed = ReadOutcome.of(() -> CatalogFile.parse(yaml));

        assertThat(streamed).isEqualTo(tree);
    }

    @Test
    void anEntryThatCannotBeBuiltBeforeASyntaxErrorReportsTheSyntaxErrorAsBefore() {
        assertThatThrownBy(() -> CatalogFile.parse("services:\n  - service: !!int abc\n  - [unclosed\n"))
                .isInstanceOf(CatalogException.class)
                .hasMessageStartingWith("catalog is not valid YAML: while parsing a flow sequence");
    }

    @Test
    void anAnchorOnATopLevelKeyIsUsableFromAnEntry() throws Exception {
        Catalog catalog = CatalogFile.parse("base: &b {service: shared}\nservices:\n  - *b\n  - service: own\n");

        assertThat(catalog.entries()).extracting(ServiceEntry::service).containsExactly("shared", "own");
        assertThat(catalog.problems()).containsExactly(
                "catalog: unknown top-level key \"base\" ignored (known: services)");
    }


}
