package dev.meshdns.it;

import static dev.meshdns.it.support.MessageAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.it.support.DnsClient;
import dev.meshdns.it.support.KnotUpstream;
import dev.meshdns.it.support.Poll;
import dev.meshdns.it.support.Replies;
import dev.meshdns.it.support.ServerProcess;
import dev.meshdns.it.support.UpstreamAndServer;
import dev.meshdns.it.support.UpstreamZones;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The upstream goes away and comes back: cached names keep answering (stale ones with EDE 3 and
 * TTL 30), uncached ones get SERVFAIL within {@code --forward-timeout}, the zone and {@code /ready}
 * are unaffected, and the upstream is used again once it answers. One test: the steps depend on
 * each other.
 */
class ForwardingOutageIT {
    private static final Duration FORWARD_TIMEOUT = Duration.ofMillis(600);
    /** The cache's TTL floor: the 1 s record of the upstream is cached this long, then stale. */
    private static final Duration TTL_FLOOR = Duration.ofSeconds(5);

    @TempDir
    static Path dir;
    static UpstreamAndServer both;
    static KnotUpstream knot;
    static ServerProcess server;
    static DnsClient dns;

    @BeforeAll
    static void start() {
        both = UpstreamAndServer.start(dir,
                flags -> flags.with("--forward-timeout", FORWARD_TIMEOUT.toMillis() + "ms"));
        knot = both.knot();
        server = both.server();
        dns = server.client();
    }

    @AfterAll
    static void stop() {
        if (both != null) {
            both.close();
        }
    }

    @Test
    void anOutageIsSurvivedAndTheUpstreamIsUsedAgainOnceItIsBack() {
        assertThat(Replies.vipOf(dns.query("www.example.test.", Type.A))).isEqualTo(UpstreamZones.WWW);
        assertThat(dns.query("short.example.test.", Type.A)).hasRcode(Rcode.NOERROR);

        knot.stop();

        assertThat(Replies.vipOf(dns.query("www.example.test.", Type.A))).as("a fresh cached name")
                .isEqualTo(UpstreamZones.WWW);
        long start = System.nanoTime();
        Message uncached = dns.queryWithEdns("uncached.example.test.", Type.A);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(uncached).hasRcode(Rcode.SERVFAIL);
        assertThat(Replies.extendedErrors(uncached)).extracting(ExtendedErrorCodeOption::getErrorCode)
                .containsAnyOf(ExtendedErrorCodeOption.NO_REACHABLE_AUTHORITY, ExtendedErrorCodeOption.NETWORK_ERROR);
        assertThat(took).as("SERVFAIL within the forward timeout").isLessThan(FORWARD_TIMEOUT.plusMillis(900));
        assertThat(dns.query("backend.mesh.", Type.A)).as("the zone").hasRcode(Rcode.NOERROR).isAuthoritative();
        assertThat(server.admin().get("/ready").statusCode()).as("/ready ignores the upstream").isEqualTo(200);

        Message stale = Poll.until(TTL_FLOOR.multipliedBy(3), () -> dns.queryWithEdns("short.example.test.", Type.A),
                reply -> !Replies.extendedErrors(reply).isEmpty());
        assertThat(stale).hasRcode(Rcode.NOERROR);
        assertThat(Replies.extendedErrors(stale)).extracting(ExtendedErrorCodeOption::getErrorCode)
                .containsExactly(ExtendedErrorCodeOption.STALE_ANSWER);
        assertThat(stale.getSection(Section.ANSWER).get(0).getTTL()).isEqualTo(30);

        knot.restart();

        Message back = Poll.until(Duration.ofSeconds(10), () -> dns.query("back.example.test.", Type.A),
                reply -> reply.getRcode() == Rcode.NXDOMAIN);
        assertThat(back).hasRcode(Rcode.NXDOMAIN);
    }
}
