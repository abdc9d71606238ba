package dev.meshdns.it;

import static dev.meshdns.it.support.MessageAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.it.support.Catalog;
import dev.meshdns.it.support.DnsClient;
import dev.meshdns.it.support.Metrics;
import dev.meshdns.it.support.Poll;
import dev.meshdns.it.support.Replies;
import dev.meshdns.it.support.ServerFlags;
import dev.meshdns.it.support.ServerProcess;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * A service that cannot get a VIP answers SERVFAIL with an Extended DNS Error (RFC 8914) saying
 * the pool is exhausted, the others are unaffected, and /metrics and /ready tell the operator.
 * The pool 240.0.0.0/30 has two usable addresses; services a and b take them, c gets none.
 */
class ExhaustionIT {
    static final String TINY_POOL = "240.0.0.0/30";

    @TempDir
    static Path dir;
    static ServerProcess server;
    static DnsClient dns;
    static String vipOfA;
    static String vipOfB;

    @BeforeAll
    static void fillThePoolThenAddAThirdService() {
        Path catalog = dir.resolve("catalog.yaml");
        Catalog.empty().withServices(List.of("a", "b")).writeTo(catalog);
        server = ServerProcess.startAndWait(catalog, dir.resolve("data"),
                ServerFlags.defaults().with("--vip-cidr", TINY_POOL));
        dns = server.client();
        vipOfA = Replies.vipOf(awaitRcode("a.mesh.", Rcode.NOERROR));
        vipOfB = Replies.vipOf(awaitRcode("b.mesh.", Rcode.NOERROR));
        Catalog.empty().withServices(List.of("a", "b", "c")).writeTo(catalog);
        awaitRcode("c.mesh.", Rcode.SERVFAIL);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static Message awaitRcode(String name, int rcode) {
        return Poll.until(Poll.RELOAD_DEADLINE, () -> dns.query(name, Type.A), r -> r.getRcode() == rcode);
    }

    @Test
    void serviceWithoutAFreeAddressIsServfailWithAnExtendedErrorNamingThePool() {
        Message reply = dns.queryWithEdns("c.mesh.", Type.A);

        assertThat(reply).hasRcode(Rcode.SERVFAIL);
        assertThat(reply).hasExtendedErrorTextContaining("exhausted");
        assertThat(reply).hasExtendedErrorTextContaining(TINY_POOL);
    }

    @Test
    void serviceWithoutAFreeAddressIsServfailWithoutAnOptWhenTheQueryHasNone() {
        Message reply = dns.query("c.mesh.", Type.A);

        assertThat(reply).hasRcode(Rcode.SERVFAIL);
        assertThat(reply).hasNoOpt();
    }

    @Test
    void servicesHoldingTheAddressesKeepAnswering() {
        assertThat(Replies.vipOf(dns.query("a.mesh.", Type.A))).as("a").isEqualTo(vipOfA);
        assertThat(Replies.vipOf(dns.query("b.mesh.", Type.A))).as("b").isEqualTo(vipOfB);
    }

    @Test
    void metricsCountTheFailedAllocationAndTheServiceWithoutAVip() {
        Metrics metrics = Poll.until(Poll.RELOAD_DEADLINE, () -> server.admin().metrics(),
                m -> m.value("meshdns_vip_allocation_failures_total") >= 1 && m.value("meshdns_vip_unallocated") == 1);

        assertThat(metrics.value("meshdns_vip_allocation_failures_total")).as("allocation failures in%n%s", metrics)
                .isGreaterThanOrEqualTo(1);
        assertThat(metrics.value("meshdns_vip_unallocated")).as("services without a VIP in%n%s", metrics).isEqualTo(1);
    }

    @Test
    void readyReportsTheExhaustedPool() {
        HttpResponse<String> ready = server.admin().get("/ready");

        assertThat(ready.body()).as("/ready (status %d)", ready.statusCode()).containsIgnoringCase("exhausted");
    }
}
