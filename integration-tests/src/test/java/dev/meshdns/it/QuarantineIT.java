package dev.meshdns.it;

import static dev.meshdns.it.support.MessageAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.it.support.Catalog;
import dev.meshdns.it.support.DnsClient;
import dev.meshdns.it.support.Poll;
import dev.meshdns.it.support.Replies;
import dev.meshdns.it.support.ServerFlags;
import dev.meshdns.it.support.ServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * A released VIP is not given to another service during the quarantine (a client may still have
 * it cached), a service that comes back gets its old VIP, and after the quarantine the address
 * goes to a service that waits for one. The pool 240.0.0.0/30 has exactly two usable addresses.
 */
class QuarantineIT {
    static final String TINY_POOL = "240.0.0.0/30";
    static final ServerFlags TINY = ServerFlags.defaults().with("--vip-cidr", TINY_POOL);
    static final Duration SHORT_QUARANTINE = Duration.ofSeconds(3);
    /** The quarantine, a catalog poll, a retry of the waiting service, and slack for a busy machine. */
    static final Duration AFTER_QUARANTINE_DEADLINE = Duration.ofSeconds(15);
    /** Loose lower bound: nothing may reuse the address this soon after the removal. */
    static final Duration TOO_EARLY = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    private Path catalog() {
        return dir.resolve("catalog.yaml");
    }

    private static Message awaitRcode(DnsClient dns, String name, int rcode) {
        return Poll.until(Poll.RELOAD_DEADLINE, () -> dns.queryWithEdns(name, Type.A), r -> r.getRcode() == rcode);
    }

    /** Starts with services a and b, which take both addresses of the pool. */
    private ServerProcess startWithAAndB(ServerFlags flags) {
        Catalog.empty().withServices(List.of("a", "b")).writeTo(catalog());
        ServerProcess server = ServerProcess.startAndWait(catalog(), dir.resolve("data"), flags);
        awaitRcode(server.client(), "a.mesh.", Rcode.NOERROR);
        awaitRcode(server.client(), "b.mesh.", Rcode.NOERROR);
        return server;
    }

    @Test
    void twoServicesTakeBothUsableAddressesOfASlash30() {
        try (ServerProcess server = startWithAAndB(TINY)) {
            Map<String, String> vips = Map.of(
                    "a", Replies.vipOf(server.client().query("a.mesh.", Type.A)),
                    "b", Replies.vipOf(server.client().query("b.mesh.", Type.A)));

            assertThat(vips.values()).containsExactlyInAnyOrder("240.0.0.1", "240.0.0.2");
        }
    }

    @Test
    void releasedVipIsNotGivenToANewServiceDuringTheQuarantine() {
        try (ServerProcess server = startWithAAndB(TINY)) {
            DnsClient dns = server.client();

            Catalog.empty().withService("b").writeTo(catalog());
            Message removed = awaitRcode(dns, "a.mesh.", Rcode.NXDOMAIN);
            Catalog.empty().withServices(List.of("b", "c")).writeTo(catalog());
            Message waiting = awaitRcode(dns, "c.mesh.", Rcode.SERVFAIL);

            assertThat(removed).as("a after its removal").hasRcode(Rcode.NXDOMAIN);
            assertThat(waiting).as("c while a's VIP is quarantined").hasRcode(Rcode.SERVFAIL);
            assertThat(waiting).hasExtendedErrorTextContaining("exhausted");
        }
    }

    @Test
    void serviceThatComesBackWithinTheQuarantineGetsItsOldVip() {
        try (ServerProcess server = startWithAAndB(TINY)) {
            DnsClient dns = server.client();
            String vipOfA = Replies.vipOf(dns.query("a.mesh.", Type.A));
            Catalog.empty().withService("b").writeTo(catalog());
            awaitRcode(dns, "a.mesh.", Rcode.NXDOMAIN);
            Catalog.empty().withServices(List.of("b", "c")).writeTo(catalog());
            awaitRcode(dns, "c.mesh.", Rcode.SERVFAIL);

            Catalog.empty().withServices(List.of("b", "c", "a")).writeTo(catalog());
            Message back = awaitRcode(dns, "a.mesh.", Rcode.NOERROR);

            assertThat(Replies.vipOf(back)).as("a's VIP after coming back").isEqualTo(vipOfA);
            assertThat(dns.query("c.mesh.", Type.A)).as("c, still without a free address").hasRcode(Rcode.SERVFAIL);
        }
    }

    @Test
    void releasedVipGoesToAWaitingServiceOnlyAfterTheQuarantine() {
        ServerFlags shortQuarantine = TINY.with("--vip-quarantine", SHORT_QUARANTINE.toSeconds() + "s");
        try (ServerProcess server = startWithAAndB(shortQuarantine)) {
            DnsClient dns = server.client();
            String vipOfA = Replies.vipOf(dns.query("a.mesh.", Type.A));

            long removedAt = System.nanoTime();
            Catalog.empty().withServices(List.of("b", "c")).writeTo(catalog());
            Message reply = Poll.until(AFTER_QUARANTINE_DEADLINE, () -> dns.query("c.mesh.", Type.A),
                    r -> r.getRcode() == Rcode.NOERROR);
            Duration waited = Duration.ofNanos(System.nanoTime() - removedAt);

            assertThat(Replies.vipOf(reply)).as("c's VIP").isEqualTo(vipOfA);
            assertThat(waited).as("time from a's removal to c's first answer").isGreaterThanOrEqualTo(TOO_EARLY);
            assertThat(dns.query("a.mesh.", Type.A)).as("a, removed").hasRcode(Rcode.NXDOMAIN);
        }
    }
}
