package dev.meshdns.it;

import static dev.meshdns.it.support.MessageAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.it.support.Catalog;
import dev.meshdns.it.support.DnsClient;
import dev.meshdns.it.support.Poll;
import dev.meshdns.it.support.Replies;
import dev.meshdns.it.support.ServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Editing the watched catalog file: changes are answered within the deadline without a restart;
 * bad entries are skipped and named in the log; a broken file keeps the previous names. Each test
 * writes the whole file and uses its own service names, so the order of the tests does not matter.
 */
class CatalogReloadIT {
    @TempDir
    static Path dir;
    static Path catalog;
    static ServerProcess server;
    static DnsClient dns;

    @BeforeAll
    static void startServer() {
        catalog = dir.resolve("catalog.yaml");
        Catalog.example().writeTo(catalog);
        server = ServerProcess.startAndWait(catalog, dir.resolve("data"));
        dns = server.client();
        awaitRcode("backend.mesh.", Rcode.NOERROR);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static Message awaitRcode(String name, int rcode) {
        return Poll.until(Poll.RELOAD_DEADLINE, () -> dns.query(name, Type.A), r -> r.getRcode() == rcode);
    }

    @Test
    void addedEntryIsAnsweredWithoutARestart() {
        Catalog.example().withService("added").writeTo(catalog);

        Message reply = awaitRcode("added.mesh.", Rcode.NOERROR);

        assertThat(reply).hasRcode(Rcode.NOERROR);
        assertThat(reply).isAuthoritative();
        assertThat(reply).hasAnswerCount(1);
    }

    @Test
    void aServiceAppendedToTheFileIsTheOnlyEntryParsedAgain() {
        Catalog before = Catalog.example().withService("beforeappend");
        before.writeTo(catalog);
        awaitRcode("beforeappend.mesh.", Rcode.NOERROR);

        before.withService("appended").writeTo(catalog);

        assertThat(awaitRcode("appended.mesh.", Rcode.NOERROR)).hasAnswerCount(1);
        assertThat(server.awaitLog("re-read: 1 of 5 entries parsed again (incremental)", Poll.RELOAD_DEADLINE))
                .containsPattern("INFO .*catalog file .*catalog.yaml re-read: 1 of 5 entries parsed again"
                        + " \\(incremental\\), \\d+ ms");
    }

    @Test
    void removedEntryBecomesNxdomain() {
        Catalog.example().withService("removed").writeTo(catalog);
        assertThat(awaitRcode("removed.mesh.", Rcode.NOERROR)).hasRcode(Rcode.NOERROR);

        Catalog.example().writeTo(catalog);
        Message reply = awaitRcode("removed.mesh.", Rcode.NXDOMAIN);

        assertThat(reply).hasRcode(Rcode.NXDOMAIN);
        assertThat(reply).hasZoneSoaInAuthority();
    }

    @Test
    void editingTheCatalogKeepsTheVipsOfUnchangedEntries() {
        String before = Replies.vipOf(dns.query("backend.mesh.", Type.A));

        Catalog.example().withService("unrelated").writeTo(catalog);
        awaitRcode("unrelated.mesh.", Rcode.NOERROR);

        assertThat(Replies.vipOf(dns.query("backend.mesh.", Type.A))).isEqualTo(before);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            service name with a space | '- service: "Bad Name"\\n'                      | Bad Name   | goodnexttospace
            VIP that is not an IP     | '- service: badvip\\n  vip: not-an-ip\\n'        | badvip     | goodnexttovip
            unknown key               | '- service: oddkey\\n  colour: blue\\n'          | oddkey     | goodnexttokey
            """)
    void badEntryIsSkippedAndNamedInTheLogWhileGoodEntriesAnswer(String description, String badEntry,
                                                                 String badName, String goodService) {
        String entry = badEntry.replace("\\n", "\n");
        Catalog.example().with(entry).withService(goodService).writeTo(catalog);

        Message good = awaitRcode(goodService + ".mesh.", Rcode.NOERROR);
        String log = Poll.until(Poll.RELOAD_DEADLINE, server::log, text -> text.contains(badName));

        assertThat(good).hasRcode(Rcode.NOERROR);
        assertThat(dns.query("backend.mesh.", Type.A)).hasRcode(Rcode.NOERROR);
        assertThat(log).as("server log").contains(badName);
        if (!badName.contains(" ")) {
            assertThat(dns.query(badName + ".mesh.", Type.A)).as("the skipped entry").hasRcode(Rcode.NXDOMAIN);
        }
    }

    @Test
    void aCatalogEmptiedByATruncatedFileIsAppliedWithAWarningGivingTheCount() {
        Catalog.example().withService("beforeempty").writeTo(catalog);
        awaitRcode("beforeempty.mesh.", Rcode.NOERROR);

        Catalog.empty().writeTo(catalog);
        awaitRcode("backend.mesh.", Rcode.NXDOMAIN);
        String log = server.awaitLog("catalog removes every service: 4 services removed", Poll.RELOAD_DEADLINE);
        Catalog.example().writeTo(catalog);
        awaitRcode("backend.mesh.", Rcode.NOERROR);

        assertThat(log).containsPattern("WARN .*catalog removes every service: 4 services removed");
    }

    @Test
    void brokenYamlKeepsThePreviousNames() {
        Catalog.example().withService("beforebreak").writeTo(catalog);
        String vip = Replies.vipOf(awaitRcode("beforebreak.mesh.", Rcode.NOERROR));

        Catalog.writeAtomically(catalog, "services:\n  - service: [unclosed\n    hostnames: {\n");

        // several poll periods (250 ms) pass; every answer meanwhile must still be the old one
        long end = System.nanoTime() + Duration.ofMillis(1500).toNanos();
        while (System.nanoTime() - end < 0) {
            assertThat(Replies.vipOf(dns.query("beforebreak.mesh.", Type.A))).isEqualTo(vip);
            assertThat(dns.query("backend.mesh.", Type.A)).hasRcode(Rcode.NOERROR);
        }
        assertThat(server.admin().metrics().value("meshdns_catalog_reloads_total{result=\"rejected\"}"))
                .as("the rejected file is counted").isGreaterThanOrEqualTo(1);
        Catalog.example().withService("afterbreak").writeTo(catalog);
        assertThat(awaitRcode("afterbreak.mesh.", Rcode.NOERROR)).as("a fixed file is loaded again").hasRcode(Rcode.NOERROR);
    }
}
