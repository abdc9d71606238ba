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
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * AAAA and ip6.arpa PTR with an IPv6 pool ({@code --vip6-cidr}); without one, AAAA is NODATA, or
 * the IPv4-mapped VIP with {@code --aaaa-ipv4-mapped} (Kuma's answer for dual-stack proxies).
 */
class Ipv6PoolIT {
    static final String POOL6 = "fd00:fd00::/64";
    static final byte[] POOL6_PREFIX = {(byte) 0xfd, 0, (byte) 0xfd, 0, 0, 0, 0, 0};
    static final ServerFlags WITH_IPV6_POOL = ServerFlags.defaults().with("--vip6-cidr", POOL6);

    @TempDir
    static Path shared;
    static ServerProcess dualStack;
    static DnsClient dns;

    @TempDir
    Path dir;

    @BeforeAll
    static void startDualStackServer() {
        Catalog.example().writeTo(shared.resolve("catalog.yaml"));
        dualStack = ServerProcess.startAndWait(shared.resolve("catalog.yaml"), shared.resolve("data"), WITH_IPV6_POOL);
        dns = dualStack.client();
        awaitNoError(dns, "backend.mesh.", Type.AAAA);
    }

    @AfterAll
    static void stopDualStackServer() {
        dualStack.close();
    }

    private static Message awaitNoError(DnsClient client, String name, int type) {
        return Poll.until(Poll.RELOAD_DEADLINE, () -> client.query(name, type), r -> r.getRcode() == Rcode.NOERROR);
    }

    @Test
    void aaaaAnswersOneAddressInsideTheIpv6Pool() {
        Message reply = dns.query("backend.mesh.", Type.AAAA);

        assertThat(reply).hasRcode(Rcode.NOERROR);
        assertThat(reply).isAuthoritative();
        assertThat(reply).hasAnswerCount(1);
        assertThat(Arrays.copyOf(Replies.ipv6Of(reply), 8)).as("first 64 bits of the AAAA").isEqualTo(POOL6_PREFIX);
    }

    @Test
    void aStillAnswersTheIpv4VipWithAnIpv6Pool() {
        Message reply = dns.query("backend.mesh.", Type.A);

        assertThat(reply).hasRcode(Rcode.NOERROR);
        assertThat(reply).hasAnswerCount(1);
    }

    @Test
    void ptrOfTheIpv6VipUnderIp6ArpaNamesTheService() {
        String reverse = Replies.reverseName6(Replies.ipv6Of(dns.query("backend.mesh.", Type.AAAA)));

        Message reply = dns.query(reverse, Type.PTR);

        assertThat(reply).hasRcode(Rcode.NOERROR);
        assertThat(reply).isAuthoritative();
        assertThat(reply).hasAnswer(reverse + " 30 IN PTR backend.mesh.");
    }

    @Test
    void ipv6VipIsUnchangedAfterARestart() {
        Path catalog = dir.resolve("catalog.yaml");
        Catalog.example().withService("restarted").writeTo(catalog);
        byte[] before;
        try (ServerProcess server = ServerProcess.startAndWait(catalog, dir.resolve("data"), WITH_IPV6_POOL)) {
            before = Replies.ipv6Of(awaitNoError(server.client(), "restarted.mesh.", Type.AAAA));
            server.stop();
        }

        byte[] after;
        try (ServerProcess server = ServerProcess.startAndWait(catalog, dir.resolve("data"), WITH_IPV6_POOL)) {
            after = Replies.ipv6Of(awaitNoError(server.client(), "restarted.mesh.", Type.AAAA));
        }

        assertThat(after).as("AAAA after the restart").isEqualTo(before);
    }

    @Test
    void aaaaWithoutAnIpv6PoolIsNodata() {
        Path catalog = dir.resolve("catalog.yaml");
        Catalog.example().writeTo(catalog);
        try (ServerProcess server = ServerProcess.startAndWait(catalog, dir.resolve("data"), ServerFlags.defaults())) {
            awaitNoError(server.client(), "backend.mesh.", Type.A);

            Message reply = server.client().query("backend.mesh.", Type.AAAA);

            assertThat(reply).hasRcode(Rcode.NOERROR);
            assertThat(reply).isAuthoritative();
            assertThat(reply).hasEmptyAnswer();
            assertThat(reply).hasZoneSoaInAuthority();
        }
    }

    @Test
    void aaaaIsTheIpv4MappedVipWithTheMappedOptionAndNoIpv6Pool() {
        Path catalog = dir.resolve("catalog.yaml");
        Catalog.example().writeTo(catalog);
        ServerFlags mapped = ServerFlags.defaults().withSwitch("--aaaa-ipv4-mapped");
        try (ServerProcess server = ServerProcess.startAndWait(catalog, dir.resolve("data"), mapped)) {
            String vip = Replies.vipOf(awaitNoError(server.client(), "backend.mesh.", Type.A));

            Message reply = server.client().query("backend.mesh.", Type.AAAA);

            assertThat(reply).hasRcode(Rcode.NOERROR);
            assertThat(reply).isAuthoritative();
            assertThat(Replies.ipv6Of(reply)).as("AAAA of backend.mesh").isEqualTo(Replies.ipv4Mapped(vip));
        }
    }
}
