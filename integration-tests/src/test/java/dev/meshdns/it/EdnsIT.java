package dev.meshdns.it;

import static dev.meshdns.it.support.MessageAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.meshdns.it.support.Catalog;
import dev.meshdns.it.support.DnsClient;
import dev.meshdns.it.support.Poll;
import dev.meshdns.it.support.Replies;
import dev.meshdns.it.support.ServerFlags;
import dev.meshdns.it.support.ServerProcess;
import dev.meshdns.it.support.Wire;
import java.nio.ByteBuffer;
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

/**
 * EDNS(0) as DNS-BEHAVIOR.md says: OPT echo, payload 1232, DO, BADVERS, malformed OPTs, cookies
 * (RFC 7873 with RFC 9018 server cookies: a second server with the same secret and cookies
 * required plays a replica behind the same address).
 */
class EdnsIT {
    private static final byte[] CLIENT_COOKIE = {1, 2, 3, 4, 5, 6, 7, 8};
    private static final String SECRET = "e5e973e5a6b2a43f48e7dc849e37bfcf";

    @TempDir
    static Path dir;
    static ServerProcess server;
    static DnsClient dns;
    static ServerProcess strict;
    static DnsClient strictDns;

    @BeforeAll
    static void startServer() {
        Path catalog = dir.resolve("catalog.yaml");
        Catalog.example().writeTo(catalog);
        server = ServerProcess.startAndWait(catalog, dir.resolve("data"),
                ServerFlags.defaults().with("--cookie-secret", SECRET));
        strict = ServerProcess.startAndWait(catalog, dir.resolve("data-strict"),
                ServerFlags.defaults().with("--cookie-secret", SECRET).withSwitch("--cookie-require"));
        dns = server.client();
        strictDns = strict.client();
        for (DnsClient client : List.of(dns, strictDns)) {
            Poll.until(Poll.RELOAD_DEADLINE, () -> client.query("backend.mesh.", Type.A),
                    r -> r.getRcode() == Rcode.NOERROR);
        }
    }

    @AfterAll
    static void stopServer() {
        strict.close();
        server.close();
    }

    private static Message queryWithCookie(byte[] client, byte[] server) {
        return queryWithOpt(new OPTRecord(1232, 0, 0, 0, server == null ? new CookieOption(client)
                : new CookieOption(client, server)));
    }

    private static CookieOption cookieOf(Message reply) {
        List<EDNSOption> cookies = reply.getOPT().getOptions(EDNSOption.Code.COOKIE);
        assertThat(cookies).as("COOKIE options in the reply").hasSize(1);
        return (CookieOption) cookies.get(0);
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
        CookieOption cookie = cookieOf(reply);
        assertThat(cookie.getClientCookie()).as("client cookie echoed").isEqualTo(CLIENT_COOKIE);
        assertThat(cookie.getServerCookie()).as("server cookie").isPresent();
        assertThat(cookie.getServerCookie().get().length).as("server cookie length").isBetween(8, 32);
    }

    @Test
    void serverCookieIsAnRfc9018CookieOfNow() {
        byte[] server = cookieOf(dns.exchange(queryWithCookie(CLIENT_COOKIE, null))).getServerCookie().orElseThrow();

        assertThat(server).as("version 1, reserved, timestamp, hash").hasSize(16);
        assertThat(server[0]).as("version").isEqualTo((byte) 1);
        assertThat(new byte[] {server[1], server[2], server[3]}).as("reserved").containsOnly(0);
        long timestamp = ByteBuffer.wrap(server, 4, 4).getInt() & 0xffffffffL;
        assertThat(timestamp).as("timestamp").isCloseTo(System.currentTimeMillis() / 1000, within(300L));
    }

    @Test
    void serverCookieOfOneServerIsValidAtAnotherWithTheSameSecretOverUdp() {
        byte[] server = cookieOf(dns.exchange(queryWithCookie(CLIENT_COOKIE, null))).getServerCookie().orElseThrow();

        Message reply = strictDns.exchange(queryWithCookie(CLIENT_COOKIE, server));

        assertThat(reply).hasRcode(Rcode.NOERROR);
        assertThat(reply).hasAnswerCount(1);
        assertThat(cookieOf(reply).getClientCookie()).isEqualTo(CLIENT_COOKIE);
    }

    @Test
    void requiredCookieIsBadcookieOverUdpAndTheCookieItCarriesIsThenAnswered() {
        Message refused = strictDns.exchange(queryWithCookie(CLIENT_COOKIE, null));

        assertThat(refused.getRcode()).as("rcode").isEqualTo(Rcode.BADCOOKIE);
        assertThat(refused).hasEmptyAnswer();
        byte[] server = cookieOf(refused).getServerCookie().orElseThrow();

        Message reply = strictDns.exchange(queryWithCookie(CLIENT_COOKIE, server));
        assertThat(reply).hasRcode(Rcode.NOERROR);
        assertThat(reply).hasAnswerCount(1);
    }

    @Test
    void forgedServerCookieIsBadcookieWhenRequired() {
        byte[] server = cookieOf(dns.exchange(queryWithCookie(CLIENT_COOKIE, null))).getServerCookie().orElseThrow();
        server[15] ^= 1;

        assertThat(strictDns.exchange(queryWithCookie(CLIENT_COOKIE, server)).getRcode()).isEqualTo(Rcode.BADCOOKIE);
    }

    @Test
    void queryWithoutAQuestionButACookieGetsAServerCookie() {
        Message query = new Message();
        query.addRecord(new OPTRecord(1232, 0, 0, 0, new CookieOption(CLIENT_COOKIE)), Section.ADDITIONAL);

        Message reply = strictDns.exchange(query);

        assertThat(reply).hasRcode(Rcode.NOERROR);
        assertThat(reply).hasId(query.getHeader().getID());
        assertThat(reply.getHeader().getCount(Section.QUESTION)).as("QDCOUNT").isZero();
        assertThat(cookieOf(reply).getServerCookie()).isPresent();
    }

    @Test
    void requiredCookieStillAnswersTcpAndQueriesWithoutACookie() {
        Message tcp = strictDns.exchangeTcp(queryWithCookie(CLIENT_COOKIE, null));
        assertThat(tcp).hasRcode(Rcode.NOERROR);
        assertThat(tcp).hasAnswerCount(1);
        assertThat(cookieOf(tcp).getServerCookie()).isPresent();

        assertThat(strictDns.query("backend.mesh.", Type.A)).hasRcode(Rcode.NOERROR);
        assertThat(strictDns.exchange(queryWithOpt(new OPTRecord(1232, 0, 0, 0)))).hasRcode(Rcode.NOERROR);
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
