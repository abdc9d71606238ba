package dev.meshdns.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When a re-read is incremental, what it keeps, and the edits it leaves to a full parse. */
class ParsedCatalogTest {
    private static final String CATALOG = """
            services:
              - service: a
              - service: b
                hostnames: [b.example.com]
              - service: c
                vip: 240.0.0.9
                ports: [80, 443]
              - service: d
            """;

    @Test
    void anAppendedServiceIsTheOnlyItemParsedAgain() throws Exception {
        ParsedCatalog first = parse(CATALOG);

        ParsedCatalog read = first.reread(bytes(CATALOG + "  - service: added\n"));

        assertThat(read.incremental()).isTrue();
        assertThat(read.itemsParsed()).isEqualTo(1);
        assertThat(read.catalog().entries()).extracting(ServiceEntry::service)
                .containsExactly("a", "b", "c", "d", "added");
    }

    @Test
    void anEditInTheMiddleParsesThatItemAgainAndKeepsEveryOtherInstance() throws Exception {
        ParsedCatalog first = parse(CATALOG);
        List<ServiceEntry> before = first.catalog().entries();

        ParsedCatalog read = first.reread(bytes(CATALOG.replace("[b.example.com]", "[b.example.com, b.example.org]")));

        assertThat(read.incremental()).isTrue();
        assertThat(read.itemsParsed()).isEqualTo(1);
        List<ServiceEntry> after = read.catalog().entries();
        assertThat(after.get(1).hostnames()).containsExactly("b.example.com", "b.example.org");
        assertThat(after.get(0)).isSameAs(before.get(0));
        assertThat(after.get(2)).isSameAs(before.get(2));
        assertThat(after.get(3)).isSameAs(before.get(3));
    }

    @Test
    void anEditThatLeavesAnItemAsItWasKeepsItsInstanceToo() throws Exception {
        ParsedCatalog first = parse(CATALOG);

        ParsedCatalog read = first.reread(bytes(CATALOG.replace("ports: [80, 443]", "ports: [80,   443]")));

        assertThat(read.incremental()).isTrue();
        assertThat(read.catalog().entries().get(2)).isSameAs(first.catalog().entries().get(2));
    }

    @Test
    void problemsAfterTheEditAreNumberedAgain() throws Exception {
        String text = "services:\n  - service: a\n  - service: Bad Name\n  - service: A\n";
        ParsedCatalog first = parse(text);

        ParsedCatalog read = first.reread(bytes(text.replace("  - service: a\n", "  - service: x\n  - service: a\n")));

        assertThat(read.incremental()).isTrue();
        assertThat(read.catalog().problems()).containsExactly(
                "catalog entry #3 (service \"Bad Name\"): service must be a DNS label of letters, digits, '-' or '_'"
                        + " (got \"Bad Name\")",
                "catalog entry #4 (service \"A\"): duplicate service, already defined by catalog entry #2");
    }

    @Test
    void removingTheFirstOfTwoEntriesOfAServiceKeepsTheSecond() throws Exception {
        String text = "services:\n  - service: a\n  - service: b\n  - service: A\n    ports: [53]\n";
        ParsedCatalog first = parse(text);

        ParsedCatalog read = first.reread(bytes(text.replace("  - service: a\n", "")));

        assertThat(read.incremental()).isTrue();
        assertThat(read.catalog().problems()).isEmpty();
        assertThat(read.catalog().entries()).extracting(ServiceEntry::service).containsExactly("b", "a");
        assertThat(read.catalog().entries().get(1).ports()).containsExactly(53);
    }

    @Test
    void aNewEntryOfAServiceDefinedLaterIsLeftToAFullParse() throws Exception {
        // The later entry becomes the second one: its problem names its service as written, which is not kept.
        ParsedCatalog first = parse(CATALOG);

        ParsedCatalog read = first.reread(bytes(CATALOG.replace("  - service: a\n", "  - service: a\n  - service: D\n")));

        assertIsTheFullParse(read, CATALOG.replace("  - service: a\n", "  - service: a\n  - service: D\n"));
        assertThat(read.catalog().problems()).containsExactly(
                "catalog entry #5 (service \"d\"): duplicate service, already defined by catalog entry #2");
    }

    @Test
    void anEditBeforeTheFirstItemIsAFullParse() throws Exception {
        ParsedCatalog first = parse("# v1\n" + CATALOG);

        assertIsTheFullParse(first.reread(bytes("# v2\n" + CATALOG)), "# v2\n" + CATALOG);
        assertIsTheFullParse(first.reread(bytes("# v1\nservices: # all\n" + CATALOG.substring(10))),
                "# v1\nservices: # all\n" + CATALOG.substring(10));
    }

    @Test
    void anEditOfAnotherTopLevelKeyAfterTheListIsAFullParse() throws Exception {
        ParsedCatalog first = parse(CATALOG + "other: 1\n");

        assertIsTheFullParse(first.reread(bytes(CATALOG + "other: 2\n")), CATALOG + "other: 2\n");
    }

    @Test
    void anAnchorOrAliasInTheEditIsAFullParse() throws Exception {
        String anchored = "services:\n  - service: a\n    hostnames: &h [a.example.com]\n  - service: b\n"
                + "    hostnames: *h\n";
        ParsedCatalog first = parse(anchored);

        String edited = anchored.replace("[a.example.com]", "[c.example.com]");
        ParsedCatalog read = first.reread(bytes(edited));

        assertIsTheFullParse(read, edited);
        assertThat(read.catalog().entries().get(1).hostnames()).as("b follows the anchor").containsExactly("c.example.com");
        assertIsTheFullParse(parse(CATALOG).reread(bytes(CATALOG.replace("service: d", "service: &x d"))),
                CATALOG.replace("service: d", "service: &x d"));
    }

    @Test
    void aTagOrDocumentMarkerInTheEditIsAFullParse() throws Exception {
        ParsedCatalog first = parse(CATALOG);

        assertIsTheFullParse(first.reread(bytes(CATALOG.replace("service: d", "service: !!str d"))),
                CATALOG.replace("service: d", "service: !!str d"));
        assertThatThrownBy(() -> first.reread(bytes(CATALOG.replace("  - service: c\n", "  - service: e\n---\n"
                + "  - service: c\n")))).isInstanceOf(CatalogException.class);
    }

    @Test
    void anItemAtAnotherIndentIsAFullParseWithTheSameError() throws Exception {
        ParsedCatalog first = parse(CATALOG);
        String edited = CATALOG.replace("  - service: d\n", "    - service: d\n");

        assertThatThrownBy(() -> first.reread(bytes(edited))).isInstanceOf(CatalogException.class)
                .hasMessage(messageOf(edited));
    }

    @Test
    void aQuoteLeftOpenIntoTheNextItemIsAFullParseWithTheSameError() throws Exception {
        ParsedCatalog first = parse(CATALOG);
        String edited = CATALOG.replace("service: b", "service: \"b");

        assertThatThrownBy(() -> first.reread(bytes(edited))).isInstanceOf(CatalogException.class)
                .hasMessage(messageOf(edited));
    }

    @Test
    void aQuotedValueOverALineLikeAnItemsGivesNoExtentsSoEveryReReadIsFull() throws Exception {
        String text = "services:\n  - service: \"a\n  - b\"\n  - service: c\n";
        ParsedCatalog first = parse(text);

        assertThat(first.extents()).isNull();
        assertIsTheFullParse(first.reread(bytes(text + "  - service: d\n")), text + "  - service: d\n");
    }

    @Test
    void aFlowListOrNonAsciiTextGivesNoExtents() throws Exception {
        assertThat(parse("services: [{service: a}, {service: b}]\n").extents()).isNull();
        assertThat(parse("# café\n" + CATALOG).extents()).isNull();
        assertThat(parse(CATALOG).extents()).isNotNull();
    }

    @Test
    void nonAsciiTypedIntoAnItemIsAFullParse() throws Exception {
        String edited = CATALOG.replace("  - service: d\n", "  - service: d # café\n");

        ParsedCatalog read = parse(CATALOG).reread(bytes(edited));

        assertIsTheFullParse(read, edited);
        assertThat(read.extents()).isNull();
    }

    @Test
    void removingEveryItemIsAFullParse() throws Exception {
        ParsedCatalog read = parse(CATALOG).reread(bytes("services:\n"));

        assertThat(read.incremental()).isFalse();
        assertThat(read.catalog().entries()).isEmpty();
    }

    @Test
    void aReReadAfterARejectedFileIsFullAndKeepsTheInstancesOfTheLastGoodOne() throws Exception {
        ParsedCatalog first = parse(CATALOG);
        assertThatThrownBy(() -> first.reread(bytes("services: [")));

        ParsedCatalog read = first.withoutContent().reread(bytes(CATALOG + "  - service: e\n"));

        assertThat(read.incremental()).isFalse();
        assertThat(read.catalog().entries().get(0)).isSameAs(first.catalog().entries().get(0));
        assertThat(read.extents()).isNotNull();
    }

    private static void assertIsTheFullParse(ParsedCatalog read, String text) throws CatalogException {
        assertThat(read.incremental()).as("incremental").isFalse();
        Catalog full = CatalogFile.parse(text);
        assertThat(read.catalog().entries()).isEqualTo(full.entries());
        assertThat(read.catalog().problems()).isEqualTo(full.problems());
    }

    @Test
    void contentGivenInALongerArrayIsReadOnlyUpToItsLength() throws Exception {
        String one = "services:\n  - service: a\n";
        byte[] both = bytes(one + "  - service: b\n");
        ParsedCatalog first = ParsedCatalog.parse(both, one.length(), List.of()); // the array holds an older, longer file

        ParsedCatalog second = first.reread(both, both.length);
        ParsedCatalog third = second.reread(bytes(one + "  - service: c\n"));

        assertThat(first.catalog().entries()).extracting(ServiceEntry::service).containsExactly("a");
        assertThat(second.catalog().entries()).extracting(ServiceEntry::service).containsExactly("a", "b");
        assertThat(third.catalog().entries()).extracting(ServiceEntry::service).containsExactly("a", "c");
    }

    private static String messageOf(String text) {
        try {
            CatalogFile.parse(text);
            throw new AssertionError("expected a rejected file: " + text);
        } catch (CatalogException e) {
            return e.getMessage();
        }
    }

    private static ParsedCatalog parse(String text) throws CatalogException {
        return ParsedCatalog.parse(bytes(text), List.of());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
