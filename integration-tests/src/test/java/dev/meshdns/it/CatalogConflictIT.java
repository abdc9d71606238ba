package dev.meshdns.it;

import static dev.meshdns.it.support.MessageAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.it.support.Catalog;
import dev.meshdns.it.support.DnsClient;
import dev.meshdns.it.support.Poll;
import dev.meshdns.it.support.Replies;
import dev.meshdns.it.support.ServerProcess;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Two entries claiming one name, with the real server process: the answer depends on the set of
 * entries only, whatever their order in the file, after a live reorder and after a restart.
 */
class CatalogConflictIT {
    private static final String HIJACK = "- service: hijack\n  hostnames: [backend.mesh, shared.example.com]\n";
    private static final String ZETA = "- service: zeta\n  hostnames: [shared.example.com]\n";
    private static final List<String> NAMES = List.of("backend.mesh.", "hijack.mesh.", "zeta.mesh.",
            "shared.example.com.");

    @TempDir
    Path dir;
    private ServerProcess server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theAnswerForEveryNameIsTheSameWhateverTheFileOrderLiveAndAfterARestart() {
        Path catalog = dir.resolve("catalog.yaml");
        Catalog.empty().with(HIJACK).with(ZETA).withService("backend").writeTo(catalog);
        server = ServerProcess.startAndWait(catalog, dir.resolve("data")).awaitName("backend.mesh.");
        DnsClient dns = server.client();
        Map<String, String> first = answers(dns);

        assertThat(first.get("backend.mesh.")).as("backend.mesh is backend's own name, not hijack's hostname")
                .isNotEqualTo(first.get("hijack.mesh."));
        assertThat(ptrTargetOf(dns, first.get("backend.mesh."))).isEqualTo("backend.mesh.");
        assertThat(first.get("shared.example.com.")).as("between hostnames the smaller service name wins")
                .isEqualTo(first.get("hijack.mesh."));

        Catalog.empty().withService("backend").with(ZETA).with(HIJACK).withService("marker").writeTo(catalog);
        server.awaitName("marker.mesh.");
        Map<String, String> reordered = answers(dns);
        server.stop();
        server = server.restartAndWait().awaitName("marker.mesh.");
        Map<String, String> restarted = answers(server.client());

        assertThat(reordered).as("after reordering the file live").isEqualTo(first);
        assertThat(restarted).as("after a restart").isEqualTo(first);
        // The restart may answer from the saved table before its apply has counted the conflicts.
        server.awaitLog("catalog applied", Poll.RELOAD_DEADLINE);
        assertThat(server.admin().metrics().value("meshdns_catalog_conflicts")).isEqualTo(2.0);
        String log = server.log();
        assertThat(log).contains("catalog name conflict: service \"hijack\": name backend.mesh. left out",
                "catalog name conflict: service \"zeta\": name shared.example.com. left out");
    }

    @Test
    void aConflictIsLoggedOnceNotOnEveryReload() {
        Path catalog = dir.resolve("catalog.yaml");
        Catalog.empty().with(HIJACK).withService("backend").writeTo(catalog);
        server = ServerProcess.startAndWait(catalog, dir.resolve("data")).awaitName("backend.mesh.");
        server.awaitLog("catalog name conflict", Poll.RELOAD_DEADLINE);

        // A pinned service makes the apply full: the conflict is decided again, and not reported again.
        Catalog.empty().withService("backend").with(HIJACK).with("- service: pinned\n  vip: 10.99.0.1\n")
                .writeTo(catalog);
        server.awaitName("pinned.mesh.");

        assertThat(server.log().split("catalog name conflict", -1)).as("log lines naming the conflict").hasSize(2);
        assertThat(server.admin().metrics().value("meshdns_catalog_conflicts")).isEqualTo(1.0);
    }

    private static Map<String, String> answers(DnsClient dns) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : NAMES) {
            Message reply = dns.query(name, Type.A);
            assertThat(reply).as(name).hasRcode(Rcode.NOERROR);
            out.put(name, Replies.vipOf(reply));
        }
        return out;
    }

    private static String ptrTargetOf(DnsClient dns, String vip) {
        Message reply = dns.query(Replies.reverseName(vip), Type.PTR);
        return ((PTRRecord) reply.getSection(Section.ANSWER).get(0)).getTarget().toString();
    }
}
