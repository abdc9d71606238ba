package dev.meshdns.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CatalogFileTest {

    @Test
    void goodFileGivesEveryEntryNormalized() throws Exception {
        Catalog catalog = CatalogFile.parse("""
                services:
                  - service: backend
                  - service: frontend_kong_svc_80
                  - service: HttpBin
                    hostnames: [HttpBin.ORG., api.example.com]
                    vip: 240.0.0.100
                    vip6: fd00::64
                    ports: [80, 443]
                """);

        assertThat(catalog.problems()).isEmpty();
        assertThat(catalog.entries()).extracting(ServiceEntry::service)
                .containsExactly("backend", "frontend_kong_svc_80", "httpbin");
        ServiceEntry httpbin = catalog.entries().get(2);
        assertThat(httpbin.hostnames()).containsExactly("httpbin.org", "api.example.com");
        assertThat(httpbin.vip()).isEqualTo(InetAddress.getByName("240.0.0.100"));
        assertThat(httpbin.vip6()).isEqualTo(InetAddress.getByName("fd00::64"));
        assertThat(httpbin.ports()).containsExactly(80, 443);
        assertThat(catalog.entries().get(0)).isEqualTo(ServiceEntry.of("backend"));
    }

    @Test
    void badServiceNameIsSkippedWithAMessageNamingItAndGoodEntriesAreKept() throws Exception {
        Catalog catalog = CatalogFile.parse("""
                services:
                  - service: backend
                  - service: web
                  - service: Bad Name
                  - service: api
                """);

        assertThat(catalog.entries()).extracting(ServiceEntry::service).containsExactly("backend", "web", "api");
        assertThat(catalog.problems()).containsExactly("catalog entry #3 (service \"Bad Name\"): service must be "
                + "a DNS label of letters, digits, '-' or '_' (got \"Bad Name\")");
    }

    @Test
    void everyKindOfBadEntryIsReportedByNumberAndService() throws Exception {
        Catalog catalog = CatalogFile.parse("""
                services:
                  - service: ok
                  - hostnames: [a.example]
                  - service: toolong_%s
                  - service: badhost
                    hostnames: ["under score_.example", "x..y"]
                  - service: longname
                    hostnames: [%s]
                  - service: badvip
                    vip: backend.mesh
                  - service: shortvip
                    vip: 240.1
                  - service: badvip6
                    vip6: 240.0.0.1
                  - service: badport
                    ports: [0, 65536, http]
                  - service: typo
                    vips: 240.0.0.1
                  - service: ok
                  - just a string
                  - service: 42
                """.formatted("x".repeat(60), ("a".repeat(60) + ".").repeat(5) + "com"));

        assertThat(catalog.entries()).extracting(ServiceEntry::service).containsExactly("ok");
        assertThat(catalog.problems()).containsExactly(
                "catalog entry #2: service is required",
                "catalog entry #3 (service \"toolong_" + "x".repeat(60) + "\"): service must be a DNS label of "
                        + "letters, digits, '-' or '_' (got \"toolong_" + "x".repeat(60) + "\")",
                "catalog entry #4 (service \"badhost\"): hostname must be a DNS name of labels of 1..63 letters, "
                        + "digits, '-' or '_' (got \"under score_.example\"); hostname must be a DNS name of labels "
                        + "of 1..63 letters, digits, '-' or '_' (got \"x..y\")",
                "catalog entry #5 (service \"longname\"): hostname must be at most 253 characters (got 247)"
                        .replace("247", String.valueOf(5 * 61 + 3)),
                "catalog entry #6 (service \"badvip\"): vip must be an IPv4 address like 240.0.0.100 "
                        + "(got \"backend.mesh\")",
                "catalog entry #7 (service \"shortvip\"): vip must be an IPv4 address like 240.0.0.100 (got 240.1)",
                "catalog entry #8 (service \"badvip6\"): vip6 must be an IPv6 address like fd00::1, quoted if all "
                        + "digits (got \"240.0.0.1\")",
                "catalog entry #9 (service \"badport\"): port must be a number from 1 to 65535 (got 0); port must "
                        + "be a number from 1 to 65535 (got 65536); port must be a number from 1 to 65535 (got \"http\")",
                "catalog entry #10 (service \"typo\"): unknown key \"vips\" (known: service, hostnames, vip, vip6, "
                        + "ports)",
                "catalog entry #11 (service \"ok\"): duplicate service, already defined by catalog entry #1",
                "catalog entry #12: must be a mapping with a \"service\" key (got \"just a string\")",
                "catalog entry #13: service must be a DNS label of letters, digits, '-' or '_' (got 42)");
    }

    @Test
    void pinsThatCannotBeAVipRejectTheirEntryAloneNamingIt() throws Exception {
        Catalog catalog = CatalogFile.parse("""
                services:
                  - service: good
                    vip: 10.96.0.10
                    vip6: fd00::10
                  - service: unspecified
                    vip: 0.0.0.0
                  - service: thisnet
                    vip: 0.1.2.3
                  - service: broadcast
                    vip: 255.255.255.255
                  - service: loopback
                    vip: 127.0.0.1
                  - service: loopback2
                    vip: 127.8.9.10
                  - service: multicast
                    vip: 224.0.0.251
                  - service: unspecified6
                    vip6: "::"
                  - service: loopback6
                    vip6: "::1"
                  - service: multicast6
                    vip6: ff02::fb
                  - service: pool
                    vip: 240.0.0.100
                """);

        assertThat(catalog.entries()).extracting(ServiceEntry::service).containsExactly("good", "pool");
        assertThat(catalog.problems()).containsExactly(
                "catalog entry #2 (service \"unspecified\"): vip 0.0.0.0 cannot be a VIP: it is in 0.0.0.0/8"
                        + " (\"this network\"), not an address to connect to",
                "catalog entry #3 (service \"thisnet\"): vip 0.1.2.3 cannot be a VIP: it is in 0.0.0.0/8"
                        + " (\"this network\"), not an address to connect to",
                "catalog entry #4 (service \"broadcast\"): vip 255.255.255.255 cannot be a VIP: it is the"
                        + " broadcast address",
                "catalog entry #5 (service \"loopback\"): vip 127.0.0.1 cannot be a VIP: it is a loopback"
                        + " address (127.0.0.0/8), which reaches the client itself",
                "catalog entry #6 (service \"loopback2\"): vip 127.8.9.10 cannot be a VIP: it is a loopback"
                        + " address (127.0.0.0/8), which reaches the client itself",
                "catalog entry #7 (service \"multicast\"): vip 224.0.0.251 cannot be a VIP: it is a multicast"
                        + " address (224.0.0.0/4)",
                "catalog entry #8 (service \"unspecified6\"): vip6 :: cannot be a VIP: it is the unspecified"
                        + " address",
                "catalog entry #9 (service \"loopback6\"): vip6 ::1 cannot be a VIP: it is the loopback address,"
                        + " which reaches the client itself",
                "catalog entry #10 (service \"multicast6\"): vip6 ff02::fb cannot be a VIP: it is a multicast"
                        + " address (ff00::/8)");
    }

    @Test
    void aSingleLabelHostnameIsRejectedNamingTheEntry() throws Exception {
        Catalog catalog = CatalogFile.parse("""
                services:
                  - service: tld
                    hostnames: [com]
                  - service: fine
                    hostnames: [api.example.com]
                """);

        assertThat(catalog.entries()).extracting(ServiceEntry::service).containsExactly("fine");
        assertThat(catalog.problems()).containsExactly("catalog entry #1 (service \"tld\"): hostname \"com\" must"
                + " have at least two labels: a single label would claim a top-level domain");
    }

    @Test
    void duplicateServiceIsCaseInsensitiveAndTheLaterOneIsRejected() throws Exception {
        Catalog catalog = CatalogFile.parse("""
                services:
                  - service: Web
                    vip: 240.0.0.1
                  - service: web
                    vip: 240.0.0.2
                """);

        assertThat(catalog.entries()).hasSize(1);
        assertThat(catalog.entries().get(0).vip()).isEqualTo(InetAddress.getByName("240.0.0.1"));
        assertThat(catalog.problems()).containsExactly(
                "catalog entry #2 (service \"web\"): duplicate service, already defined by catalog entry #1");
    }

    @Test
    void emptyServicesListIsAValidEmptyCatalog() throws Exception {
        assertThat(CatalogFile.parse("services: []").entries()).isEmpty();
        assertThat(CatalogFile.parse("services:").entries()).isEmpty();
    }

    @Test
    void unknownTopLevelKeyIsReportedButEntriesAreKept() throws Exception {
        Catalog catalog = CatalogFile.parse("services: [{service: a}]\nzone: mesh\n");

        assertThat(catalog.entries()).hasSize(1);
        assertThat(catalog.problems()).containsExactly("catalog: unknown top-level key \"zone\" ignored (known: services)");
    }

    @Test
    void brokenYamlIsAWholeFileProblem() {
        assertThatThrownBy(() -> CatalogFile.parse("services:\n  - service: [unclosed\n"))
                .isInstanceOf(CatalogException.class)
                .hasMessageStartingWith("catalog is not valid YAML: ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"vip: !!binary AAA_A", "vip: !!int twelve", "vip: !!float x", "ports: !!int 0x"})
    void aTaggedValueTheParserCannotBuildIsAWholeFileProblemNotACrash(String field) {
        // Found by CatalogFileFuzzTest: SnakeYAML threw IllegalArgumentException for bad base64.
        assertThatThrownBy(() -> CatalogFile.parse("services:\n  - service: backend\n    " + field + "\n"))
                .as(field)
                .isInstanceOf(CatalogException.class)
                .hasMessageStartingWith("catalog is not valid YAML: ");
    }

    @Test
    void aKeyThatHoldsTheListItIsInIsAnUnknownKeyNotAStackOverflow() throws Exception {
        // Found by CatalogFileFuzzTest: printing the key (a mapping that holds, by an alias, the list
        // holding it) recursed without end.
        Catalog catalog = CatalogFile.parse("""
                services: &s
                  - service: a
                  - ? {hostnames: *s}
                """);

        assertThat(catalog.entries()).extracting(ServiceEntry::service).containsExactly("a");
        assertThat(catalog.problems()).containsExactly("catalog entry #2: unknown key a mapping (known: service, "
                + "hostnames, vip, vip6, ports); service is required");
    }

    @Test
    void keysThatHoldTheListTheyAreInWithoutEndAreAWholeFileProblemNotAStackOverflow() {
        // Found by CatalogFileFuzzTest: SnakeYAML hashes the second key, which holds the list, which holds
        // the first entry, whose key holds the list... (its recursive-key check misses it): StackOverflowError.
        assertThatThrownBy(() -> CatalogFile.parse("""
                services: &s
                  - ? {hostnames: *s}
                  - ? {hostnames: *s}
                """))
                .isInstanceOf(CatalogException.class)
                .hasMessage("catalog is not valid YAML: a key holds, through an alias, the collection it is in");
    }

    @Test
    void aTopLevelKeyThatHoldsTheCatalogIsIgnoredLikeAnyUnknownKey() throws Exception {
        Catalog catalog = CatalogFile.parse("""
                --- &catalog
                services:
                  - service: a
                ? [*catalog]
                """);

        assertThat(catalog.entries()).extracting(ServiceEntry::service).containsExactly("a");
        assertThat(catalog.problems()).containsExactly("catalog: unknown top-level key a list ignored (known: services)");
    }

    @Test
    void fileWithoutServicesIsAWholeFileProblem() {
        for (String text : List.of("", "# nothing\n", "service: backend\n", "- service: backend\n", "just text")) {
            assertThatThrownBy(() -> CatalogFile.parse(text)).as(text)
                    .isInstanceOf(CatalogException.class)
                    .hasMessage("catalog must be a YAML mapping with a \"services:\" list");
        }
    }

    @Test
    void servicesThatIsNotAListIsAWholeFileProblem() {
        assertThatThrownBy(() -> CatalogFile.parse("services: backend\n"))
                .isInstanceOf(CatalogException.class)
                .hasMessage("catalog \"services:\" must be a list of entries (got \"backend\")");
    }

    @Test
    void yamlTagsThatConstructObjectsAreRejected() {
        assertThatThrownBy(() -> CatalogFile.parse("services: !!java.util.ArrayList []\n"))
                .isInstanceOf(CatalogException.class);
    }

    @Test
    void duplicateKeyInAnEntryIsAWholeFileProblem() {
        assertThatThrownBy(() -> CatalogFile.parse("services:\n  - service: a\n    service: b\n"))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("duplicate key");
    }
}
