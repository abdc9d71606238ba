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
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The zone part of DNS-BEHAVIOR.md, one packet in and one packet out, over UDP (and TCP for transfers). */
class ZoneAnswersIT {
    @TempDir
    static Path dir;
    static ServerProcess server;
    static DnsClient dns;
    static String backendVip;

    @BeforeAll
    static void startServer() {
        Path catalog = dir.resolve("catalog.yaml");
        Catalog.example().writeTo(catalog);
        server = ServerProcess.startAndWait(catalog, dir.resolve("data"));
        dns = server.client();
        Message backend = Poll.until(Poll.RELOAD_DEADLINE, () -> dns.query("backend.mesh.", Type.A),
                reply -> reply.getRcode() == Rcode.NOERROR);
        backendVip = Replies.vipOf(backend);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void knownNameIsOneAuthoritativeARecordWithTtl30() {
        Message reply = dns.query("backend.mesh.", Type.A);

        assertThat(reply).hasRcode(Rcode.NOERROR);
        assertThat(reply).isAuthoritative();
        assertThat(reply).hasAnswer("backend.mesh. 30 IN A " + backendVip);
    }

    @Test
    void allocatedVipIsFromThePool() throws Exception {
        assertThat(Replies.isInPool(backendVip)).as("%s in 240.0.0.0/4", backendVip).isTrue();
    }

    @Test
    void idIsCopied() {
        Message query = DnsClient.newQuery("backend.mesh.", Type.A);

        Message reply = dns.exchange(query);

        assertThat(reply).hasId(query.getHeader().getID());
    }

    @Test
    void rdSetInQueryIsSetInReplyAndRaIsClear() {
        Message query = DnsClient.newQuery("backend.mesh.", Type.A);
        query.getHeader().setFlag(Flags.RD);

        Message reply = dns.exchange(query);

        assertThat(reply).hasRecursionDesired();
        assertThat(reply).hasNoRecursionAvailable();
    }

    @Test
    void rdClearInQueryIsClearInReply() {
        Message query = DnsClient.newQuery("backend.mesh.", Type.A);
        query.getHeader().unsetFlag(Flags.RD);

        Message reply = dns.exchange(query);

        assertThat(reply).hasNoRecursionDesired();
        assertThat(reply).hasNoRecursionAvailable();
    }

    @Test
    void mixedCaseNameIsAnsweredAndItsQuestionEchoedByteForByte() {
        Message query = DnsClient.newQuery("BaCkEnD.MeSh.", Type.A);
        byte[] queryWire = query.toWire();
        int questionLength = query.getQuestion().getName().length() + 4;

        byte[] replyWire = dns.udp(queryWire);

        assertThat(Arrays.copyOfRange(replyWire, 12, 12 + questionLength))
                .as("question section of the reply")
                .isEqualTo(Arrays.copyOfRange(queryWire, 12, 12 + questionLength));
        Message reply = DnsClient.parse(replyWire);
        assertThat(reply).hasRcode(Rcode.NOERROR);
        assertThat(reply).hasAnswerCount(1);
        assertThat(Replies.vipOf(reply)).isEqualTo(backendVip);
    }

    @Test
    void dottedFormOfAServiceTagGivesTheSameVipAsTheTag() {
        String tagVip = Replies.vipOf(dns.query("frontend_kong_svc_80.mesh.", Type.A));

        Message reply = dns.query("frontend.kong.svc.80.mesh.", Type.A);

        assertThat(reply).isAuthoritative();
        assertThat(reply).hasAnswer("frontend.kong.svc.80.mesh. 30 IN A " + tagVip);
    }

    @Test
    void differentServicesGetDifferentVips() {
        String frontendVip = Replies.vipOf(dns.query("frontend_kong_svc_80.mesh.", Type.A));
        String httpbinVip = Replies.vipOf(dns.query("httpbin.mesh.", Type.A));

        assertThat(Set.of(backendVip, frontendVip, httpbinVip)).hasSize(3);
    }

    @Test
    void pinnedVipIsAnsweredExactly() {
        Message reply = dns.query("httpbin.mesh.", Type.A);

        assertThat(reply).isAuthoritative();
        assertThat(reply).hasAnswer("httpbin.mesh. 30 IN A 240.0.0.100");
    }

    @Test
    void hostnameOutsideTheZoneListedByAnEntryIsAnsweredAuthoritatively() {
        Message reply = dns.query("httpbin.org.", Type.A);

        assertThat(reply).hasRcode(Rcode.NOERROR);
        assertThat(reply).isAuthoritative();
        assertThat(reply).hasAnswer("httpbin.org. 30 IN A 240.0.0.100");
    }

    @Test
    void hostnameOutsideTheZoneIsMatchedCaseInsensitively() {
        Message reply = dns.query("HttpBin.ORG.", Type.A);

        assertThat(reply).hasRcode(Rcode.NOERROR);
        assertThat(reply).hasAnswer("httpbin.org. 30 IN A 240.0.0.100");
    }

    @Test
    void aaaaForIpv4OnlyNameIsNoDataNotNxdomain() {
        Message reply = dns.query("backend.mesh.", Type.AAAA);

        assertThat(reply).hasRcode(Rcode.NOERROR);
        assertThat(reply).isAuthoritative();
        assertThat(reply).hasEmptyAnswer();
        assertThat(reply).hasZoneSoaInAuthority();
    }

    @ParameterizedTest(name = "type {0}")
    @ValueSource(ints = {Type.MX, Type.TXT, 666})
    void otherTypesOfAKnownNameAreNoDataWithSoa(int type) {
        Message reply = dns.query("backend.mesh.", type);

        assertThat(reply).hasRcode(Rcode.NOERROR);
        assertThat(reply).isAuthoritative();
        assertThat(reply).hasEmptyAnswer();
        assertThat(reply).hasZoneSoaInAuthority();
    }

    @Test
    void unknownNameInTheZoneIsNxdomainWithSoaOfTtl30() {
        Message reply = dns.query("nosuchservice.mesh.", Type.A);

        assertThat(reply).hasRcode(Rcode.NXDOMAIN);
        assertThat(reply).isAuthoritative();
        assertThat(reply).hasEmptyAnswer();
        assertThat(reply).hasZoneSoaInAuthority();
    }

    @Test
    void nameBelowAServiceIsNxdomain() {
        Message reply = dns.query("x.backend.mesh.", Type.A);

        assertThat(reply).hasRcode(Rcode.NXDOMAIN);
        assertThat(reply).isAuthoritative();
        assertThat(reply).hasZoneSoaInAuthority();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"kong.svc.80.mesh.", "svc.80.mesh.", "80.mesh."})
    void emptyNonTerminalIsNoDataNeverNxdomain(String name) {
        Message reply = dns.query(name, Type.A);

        assertThat(reply).hasRcode(Rcode.NOERROR);
        assertThat(reply).isAuthoritative();
        assertThat(reply).hasEmptyAnswer();
        assertThat(reply).hasZoneSoaInAuthority();
    }

    @Test
    void apexSoaIsAnswered() {
        Message reply = dns.query("mesh.", Type.SOA);

        assertThat(reply).hasRcode(Rcode.NOERROR);
        assertThat(reply).isAuthoritative();
        assertThat(reply).hasAnswerCount(1);
        assertThat(reply.getSection(Section.ANSWER).get(0).rdataToString())
                .matches("ns\\.dns\\.mesh\\. hostmaster\\.dns\\.mesh\\. \\d+ 3600 600 86400 30");
        assertThat(reply.getSection(Section.ANSWER).get(0).getTTL()).isEqualTo(30);
    }

    @Test
    void apexNsIsAnswered() {
        Message reply = dns.query("mesh.", Type.NS);

        assertThat(reply).hasRcode(Rcode.NOERROR);
        assertThat(reply).isAuthoritative();
        assertThat(reply).hasAnswer("mesh. 30 IN NS ns.dns.mesh.");
    }

    @Test
    void nsTargetOfTheApexIsAnsweredWithTheListenAddress() {
        Message reply = dns.query("ns.dns.mesh.", Type.A);

        assertThat(reply).hasRcode(Rcode.NOERROR);
        assertThat(reply).isAuthoritative();
        assertThat(reply).hasAnswer("ns.dns.mesh. 30 IN A 127.0.0.1");
    }

    @Test
    void nsTargetWithoutAnIpv6ListenAddressIsNoDataForAaaa() {
        Message reply = dns.query("ns.dns.mesh.", Type.AAAA);

        assertThat(reply).hasRcode(Rcode.NOERROR);
        assertThat(reply).hasEmptyAnswer();
        assertThat(reply).hasZoneSoaInAuthority();
    }

    @Test
    void ptrOfAPinnedVipNamesEveryNameOfTheEntry() {
        Message reply = dns.query("100.0.0.240.in-addr.arpa.", Type.PTR);

        assertThat(reply).hasRcode(Rcode.NOERROR);
        assertThat(reply).isAuthoritative();
        assertThat(reply).hasAnswer(
                "100.0.0.240.in-addr.arpa. 30 IN PTR httpbin.mesh.",
                "100.0.0.240.in-addr.arpa. 30 IN PTR httpbin.org.");
    }

    @Test
    void ptrOfAnAllocatedVipNamesTheService() {
        String reverse = Replies.reverseName(backendVip);

        Message reply = dns.query(reverse, Type.PTR);

        assertThat(reply).hasRcode(Rcode.NOERROR);
        assertThat(reply).isAuthoritative();
        assertThat(reply).hasAnswer(reverse + " 30 IN PTR backend.mesh.");
    }

    @Test
    void ptrOfAnUnallocatedPoolAddressIsNxdomain() {
        Message reply = dns.query("7.7.7.250.in-addr.arpa.", Type.PTR);

        assertThat(reply).hasRcode(Rcode.NXDOMAIN);
        assertThat(reply).isAuthoritative();
    }

    @Test
    void anyOverUdpForAServiceIsOneRRset() {
        Message reply = dns.query("backend.mesh.", Type.ANY);

        assertThat(reply).hasRcode(Rcode.NOERROR);
        assertThat(reply).isAuthoritative();
        assertThat(reply).hasOneAnswerRRset();
        assertThat(reply).hasAnswer("backend.mesh. 30 IN A " + backendVip);
    }

    @Test
    void anyOverUdpForTheApexIsOneRRset() {
        Message reply = dns.query("mesh.", Type.ANY);

        assertThat(reply).hasRcode(Rcode.NOERROR);
        assertThat(reply).hasOneAnswerRRset();
    }

    @Test
    void nameOutsideTheZoneIsRefusedWithoutRecursionAvailable() {
        Message reply = dns.query("example.com.", Type.A);

        assertThat(reply).hasRcode(Rcode.REFUSED);
        assertThat(reply).hasNoRecursionAvailable();
        assertThat(reply).hasEmptyAnswer();
    }

    @ParameterizedTest(name = "class {0}")
    @ValueSource(ints = {DClass.CH, DClass.HS})
    void classOtherThanInInTheZoneIsRefused(int dclass) {
        Message reply = dns.exchange(DnsClient.newQuery("backend.mesh.", Type.A, dclass));

        assertThat(reply).hasRcode(Rcode.REFUSED);
        assertThat(reply).hasEmptyAnswer();
    }

    @ParameterizedTest(name = "type {0}")
    @ValueSource(ints = {Type.AXFR, Type.IXFR})
    void zoneTransferOverTcpIsRefused(int type) {
        Message reply = dns.queryTcp("mesh.", type);

        assertThat(reply).hasRcode(Rcode.REFUSED);
        assertThat(reply).hasEmptyAnswer();
    }

    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {1, 2, 4, 5, 15})
    void unknownOpcodeIsNotImpWithOpcodeAndIdEchoed(int opcode) {
        Message query = DnsClient.newQuery("mesh.", Type.SOA);
        query.getHeader().setOpcode(opcode);

        Message reply = dns.exchange(query);

        assertThat(reply).hasRcode(Rcode.NOTIMP);
        assertThat(reply).hasOpcode(opcode);
        assertThat(reply).hasId(query.getHeader().getID());
    }

    @Test
    void queryOverTcpGetsTheSameAnswerAsOverUdp() {
        Message reply = dns.queryTcp("backend.mesh.", Type.A);

        assertThat(reply).isAuthoritative();
        assertThat(reply).hasAnswer("backend.mesh. 30 IN A " + backendVip);
    }

    @Test
    void everyWellFormedUdpQueryGetsExactlyOneReply() {
        List<Message> queries = List.of(
                DnsClient.newQuery("backend.mesh.", Type.A),
                DnsClient.newQuery("nosuchservice.mesh.", Type.A),
                DnsClient.newQuery("backend.mesh.", Type.AAAA),
                DnsClient.newQuery("example.com.", Type.A),
                DnsClient.newQuery("mesh.", Type.SOA));

        for (Message query : queries) {
            List<byte[]> replies = dns.udpAllReplies(query.toWire(), Duration.ofMillis(150));

            assertThat(replies).as("replies to %s", query.getQuestion()).hasSize(1);
            assertThat(Replies.id(replies.get(0))).isEqualTo(query.getHeader().getID());
        }
    }
}
