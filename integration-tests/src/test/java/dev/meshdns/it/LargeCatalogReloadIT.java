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
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * A catalog file large enough (over a megabyte of plain YAML) to be parsed in parts on several
 * cores: every part's services answer, a bad entry and a duplicate far into the file are skipped,
 * and an edit keeps the VIPs of the entries it left as they were.
 */
class LargeCatalogReloadIT {
    private static final int SERVICES = 60_000;
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    static Path catalog;
    static ServerProcess server;
    static DnsClient dns;

    /** svc-1 .. svc-60000; near the end a duplicate of svc-1 (skipped) and an entry that is no mapping. */
    private static Catalog large() {
        Catalog large = Catalog.empty().withServices(IntStream.rangeClosed(1, SERVICES - 2)
                .mapToObj(i -> "svc-" + i).toList());
        return large.withService("svc-1").with("- 42\n").withServices(IntStream.rangeClosed(SERVICES - 1, SERVICES)
                .mapToObj(i -> "svc-" + i).toList());
    }

    @BeforeAll
    static void startServer() {
        catalog = dir.resolve("catalog.yaml");
        large().writeTo(catalog);
        server = ServerProcess.startAndWait(catalog, dir.resolve("data"));
        dns = server.client();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static Message awaitRcode(String name, int rcode) {
        return Poll.until(DEADLINE, () -> dns.query(name, Type.A), r -> r.getRcode() == rcode);
    }

    @Test
    void servicesOfEveryPartAnswerAndTheSkippedEntriesAreNamed() {
        assertThat(awaitRcode("svc-1.mesh.", Rcode.NOERROR)).hasAnswerCount(1);
        assertThat(awaitRcode("svc-30000.mesh.", Rcode.NOERROR)).hasAnswerCount(1);
        assertThat(awaitRcode("svc-" + SERVICES + ".mesh.", Rcode.NOERROR)).hasAnswerCount(1);

        assertThat(server.log()).contains("catalog entry #" + (SERVICES - 1)
                + " (service \"svc-1\"): duplicate service, already defined by catalog entry #1");
        assertThat(server.log()).contains("catalog entry #" + SERVICES + ": must be a mapping");
    }

    @Test
    void anAddedServiceIsAnsweredAndTheOthersKeepTheirVips() {
        String before = Replies.vipOf(awaitRcode("svc-45000.mesh.", Rcode.NOERROR));

        large().withService("added-late").writeTo(catalog);

        assertThat(awaitRcode("added-late.mesh.", Rcode.NOERROR)).hasAnswerCount(1);
        assertThat(Replies.vipOf(dns.query("svc-45000.mesh.", Type.A))).isEqualTo(before);
    }
}
