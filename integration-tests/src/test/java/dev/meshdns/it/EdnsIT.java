package dev.meshdns.it;

import static dev.meshdns.it.support.MessageAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.it.support.Catalog;
import dev.meshdns.it.support.DnsClient;
import dev.meshdns.it.support.Poll;
import dev.meshdns.it.support.Replies;
import dev.meshdns.it.support.ServerProcess;
import dev.meshdns.it.support.Wire;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.CookieOption;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** EDNS(0) as DNS-BEHAVIOR.md says: OPT echo, payload 1232, DO, BADVERS, malformed OPTs, cookies. */
class EdnsIT {
    private static final byte[] CLIENT_COOKIE = {1, 2, 3, 4, 5, 6, 7, 8};

    @TempDir
    static Path dir;
    static ServerProcess server;
    static DnsClient dns;

    @BeforeAll
    static void startServer() {
        Path catalog = dir.resolve("catalog.yaml");
        Catalog.example().writeTo(catalog);
        server = ServerProcess.startAndWait(catalog, dir.resolve("data"));
        dns = server.client();
        Poll.until(Poll.RELOAD_DEADLINE, () -> dns.query("backend.mesh.", Type.A), r -> r.getRcode() == Rcode.NOERROR);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static Message queryWithOpt(OPTRecord opt) {
        Message query = DnsClient.newQuery("backend.mesh.", Type.A);
        query.addRecord(opt, Section.ADDITIONAL);
        return query;
    }

    @Test
    void noOptInQueryMeansNoOptInReply() {
        Message reply = dns.query("backend.mesh.", Type.A);

        assertThat(reply).hasRcode(Rcode.NOERROR);
        assertThat(reply).hasNoOpt();
    }

    @Test
    void optVersion0GetsExactlyOneOptWithPayload1232() {
        Message reply = dns.exchange(queryWithOpt(new OPTRecord(4096, 0, 0, 0)));

        assertThat(reply).hasRcode(Rcode.NOERROR);
        assertThat(reply).hasAnswerCount(1);
        assertThat(reply).hasOneOpt();
        assertThat(reply).hasOptPayload(1232);
        assertThat(reply).hasOptVersion(0);
    }

    @Test
    void optIsAlsoEchoedOnNegativeAnswers() {
        Message query = DnsClient.newQuery("nosuchservice.mesh.", Type.A);
        query.addRecord(new OPTRecord(1232, 0, 0, 0), Section.ADDITIONAL);

        Message reply = dns.exchange(query);

        assertThat(reply).hasRcode(Rcode.NXDOMAIN);
        assertThat(reply).hasOneOpt();
        assertThat(reply).hasZoneSoaInAuthority();
    }

    @ParameterizedTest(name = "DO={0}")
    @ValueSource(booleans = {true, false})
    void doBitIsCopied(boolean dnssecOk) {
        Message reply = dns.exchange(queryWithOpt(new OPTRecord(1232, 0, 0, dnssecOk ? ExtendedFlags.DO : 0)));

        assertThat(reply).hasRcode(Rcode.NOERROR);
        assertThat(reply).hasDoBit(dnssecOk);
    }

    @Test
    void unknownOptionsAreIgnoredAndNotEchoed() {
        EDNSOption unknown = new GenericEDNSOption(65001, new byte[] {9, 9, 9});

        Message reply = dns.exchange(queryWithOpt(new OPTRecord(1232, 0, 0, 0, unknown)));

        assertThat(reply).hasRcode(Rcode.NOERROR);
        assertThat(reply).hasAnswerCount(1);
        assertThat(reply).hasNoOptOptions();
    }

    /** RFC 7830 padding makes queries of any size; over 1500 bytes it used to be cut on epoll (FORMERR). */
    @Test
    void udpQueryOf4000BytesWithPaddingIsAnsweredWhole() {
        EDNSOption padding = new GenericEDNSOption(EDNSOption.Code.PADDING, new byte[4000]);
        Message query = queryWithOpt(new OPTRecord(1232, 0, 0, 0, padding));
        byte[] wire = query.toWire();
        assertThat(wire.length).as("query size").isGreaterThan(4000);

        Message reply = DnsClient.parse(dns.udp(wire));

        assertThat(reply).hasId(query.getHeader().getID());
        assertThat(reply).hasRcode(Rcode.NOERROR);
        assertThat(reply).hasAnswerCount(1);
        assertThat(reply).hasOneOpt();
    }

    @Test
    void optVersion1IsBadversWithAnOptOfVersion0() {
        Message reply = dns.exchange(queryWithOpt(new OPTRecord(1232, 0, 1, 0)));

        assertThat(reply).hasRcode(Rcode.BADVERS);
        assertThat(reply.getHeader().getRcode()).as("header rcode").isEqualTo(0);
        assertThat(reply).hasOptVersion(0);
        assertThat(reply.getOPT().getExtendedRcode()).as("OPT extended rcode").isEqualTo(1);
        assertThat(reply).hasEmptyAnswer();
    }

    @Test
    void twoOptsAreFormerr() {
        byte[] query = Wire.message().queryHeader(0x1234, 1, 0, 0, 2)
                .question("backend.mesh", Type.A, 1)
                .opt(1232, 0, 0, 0, new byte[0])
                .opt(1232, 0, 0, 0, new byte[0])
                .bytes();

        assertIsFormerrWithOpt(query, 0x1234);
    }

    @Test
    void optOwnedByANameOtherThanTheRootIsFormerr() {
        byte[] query = Wire.message().queryHeader(0x2345, 1, 0, 0, 1)
                .question("backend.mesh", Type.A, 1)
                .name("backend.mesh").optBody(1232, 0, 0, 0, new byte[0])
                .bytes();

        assertIsFormerrWithOpt(query, 0x2345);
    }

    @Test
    void optionLengthOverrunningTheOptRdataIsFormerr() {
        byte[] overrun = Wire.option(65001, 20, new byte[] {1, 2, 3, 4});
        byte[] query = Wire.message().queryHeader(0x3456, 1, 0, 0, 1)
                .question("backend.mesh", Type.A, 1)
                .opt(1232, 0, 0, 0, overrun)
                .bytes();

        assertIsFormerrWithOpt(query, 0x3456);
    }

    private static void assertIsFormerrWithOpt(byte[] query, int id) {
        byte[] wire = dns.udp(query);

        assertThat(Replies.id(wire)).as("ID").isEqualTo(id);
        Message reply = DnsClient.parse(wire);
        assertThat(reply).hasRcode(Rcode.FORMERR);
        assertThat(reply).hasEmptyAnswer();
        assertThat(reply).hasOneOpt();
    }

    @Test
    void clientCookieIsAnsweredWithClientAndServerCookie() {
        Message reply = dns.exchange(queryWithOpt(new OPTRecord(1232, 0, 0, 0, new CookieOption(CLIENT_COOKIE))));

        assertThat(reply).hasRcode(Rcode.NOERROR);
        assertThat(reply).hasOneOpt();
        List<EDNSOption> cookies = reply.getOPT().getOptions(EDNSOption.Code.COOKIE);
        assertThat(cookies).as("COOKIE options in the reply").hasSize(1);
        CookieOption cookie = (CookieOption) cookies.get(0);
        assertThat(cookie.getClientCookie()).as("client cookie echoed").isEqualTo(CLIENT_COOKIE);
        assertThat(cookie.getServerCookie()).as("server cookie").isPresent();
        assertThat(cookie.getServerCookie().get().length).as("server cookie length").isBetween(8, 32);
    }

    @ParameterizedTest(name = "cookie of {0} bytes")
    @ValueSource(ints = {5, 41})
    void cookieOfBadLengthIsFormerr(int length) {
        EDNSOption badCookie = new GenericEDNSOption(EDNSOption.Code.COOKIE, new byte[length]);

        Message reply = dns.exchange(queryWithOpt(new OPTRecord(1232, 0, 0, 0, badCookie)));

        assertThat(reply).hasRcode(Rcode.FORMERR);
        assertThat(reply).hasEmptyAnswer();
    }
}
