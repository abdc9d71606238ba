package dev.meshdns.core;

import static dev.meshdns.core.MessageAssert.assertThatReply;
import static dev.meshdns.core.Queries.CLIENT;
import static dev.meshdns.core.Queries.NOW;
import static dev.meshdns.core.Queries.address;
import static dev.meshdns.core.Queries.query;
import static dev.meshdns.core.ResolverTest.TABLE;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.CookieOption;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * DNS cookies, RFC 7873 section 5.2 case by case, with the server cookies of RFC 9018 appendix A
 * as exact wire bytes (its secret, client addresses and times; see {@link Queries}).
 */
class CookieTest {
    private static final HexFormat HEX = HexFormat.of();
    /** A.1: the client cookie, and the server cookie it gets at {@link Queries#NOW} from 198.51.100.100. */
    private static final String A1_CLIENT = "2464c4abcf10c957";
    private static final String A1_SERVER = "010000005cf79f111f8130c3eee29480";
    /** A.2: the same client 40 minutes later. */
    private static final long A2_NOW = 1559734385L;
    private static final String A2_SERVER = "010000005cf7a871d4a564a1442aca77";

    // 5.2.1 No OPT RR or no COOKIE option: answered as by a server without cookies.

    @Test
    void noOptOrNoCookieOptionIsAnsweredWithoutACookie() {
        Requester requester = Queries.requester(true, CLIENT, NOW);

        assertThatReply(answer(query("backend.mesh.", Type.A), false, requester)).hasRcode(Rcode.NOERROR).hasNoOpt();
        byte[] reply = answer(EdnsTest.withOpt(1232, 0, false), false, requester);
        assertThatReply(reply).hasRcode(Rcode.NOERROR).hasAnswer("backend.mesh. 30 IN A 240.0.0.7");
        assertThat(cookieOf(reply)).isNull();
        assertThat(requester.replyCookie()).isNull();
    }

    // 5.2.2 Malformed COOKIE option: FORMERR, and no cookie back.

    @ParameterizedTest(name = "COOKIE of {0} bytes")
    @ValueSource(ints = {0, 7, 9, 15, 41})
    void malformedCookieIsFormerrWithoutACookie(int length) {
        byte[] reply = answer(EdnsTest.withCookie(new byte[length]), false, Queries.requester());

        assertThatReply(reply).hasRcode(Rcode.FORMERR).hasNoAnswer();
        assertThat(cookieOf(reply)).isNull();
    }

    @Test
    void twoCookieOptionsAreFormerr() {
        byte[] option = cookieOption(HEX.parseHex(A1_CLIENT));

        assertThatReply(answer(withOptions("backend.mesh.", 0, EdnsTest.concat(option, option)), false,
                Queries.requester())).hasRcode(Rcode.FORMERR);
    }

    // 5.2.3 Only a client cookie: a normal answer with our server cookie, or BADCOOKIE when required (UDP).

    @Test
    void onlyAClientCookieGetsTheAnswerAndTheRfc9018ServerCookie() {
        byte[] reply = answer(EdnsTest.withCookie(HEX.parseHex(A1_CLIENT)), false, Queries.requester());

        assertThatReply(reply).hasRcode(Rcode.NOERROR).isAuthoritative().hasAnswer("backend.mesh. 30 IN A 240.0.0.7");
        assertThat(cookieOf(reply)).isEqualTo(A1_CLIENT + A1_SERVER);
    }

    @Test
    void onlyAClientCookieWhenCookiesAreRequiredIsBadcookieWithTheServerCookieOverUdp() {
        byte[] reply = answer(EdnsTest.withCookie(HEX.parseHex(A1_CLIENT)), false,
                Queries.requester(true, CLIENT, NOW));

        Message m = ResolverTest.parse(reply);
        assertThat(m.getRcode()).as("rcode").isEqualTo(Rcode.BADCOOKIE);
        assertThatReply(reply).hasNoAnswer().hasOpt(1232, false);
        assertThat(cookieOf(reply)).as("the cookie to retry with").isEqualTo(A1_CLIENT + A1_SERVER);
    }

    @Test
    void onlyAClientCookieOverTcpIsAnsweredEvenWhenCookiesAreRequired() {
        byte[] reply = answer(EdnsTest.withCookie(HEX.parseHex(A1_CLIENT)), true,
                Queries.requester(true, CLIENT, NOW));

        assertThatReply(reply).hasRcode(Rcode.NOERROR).hasAnswer("backend.mesh. 30 IN A 240.0.0.7");
        assertThat(cookieOf(reply)).isEqualTo(A1_CLIENT + A1_SERVER);
    }

    // 5.2.4 A client cookie and an invalid server cookie: as 5.2.3.

    @Test
    void invalidServerCookieIsAnsweredWithAFreshOneUnlessRequired() {
        byte[] forged = HEX.parseHex(A1_CLIENT + A1_SERVER);
        forged[forged.length - 1] ^= 1;

        byte[] reply = answer(EdnsTest.withCookie(forged), false, Queries.requester());
        assertThatReply(reply).hasRcode(Rcode.NOERROR).hasAnswer("backend.mesh. 30 IN A 240.0.0.7");
        assertThat(cookieOf(reply)).isEqualTo(A1_CLIENT + A1_SERVER);

        assertThat(rcode(forged, Queries.requester(true, CLIENT, NOW))).isEqualTo(Rcode.BADCOOKIE);
    }

    @Test
    void serverCookieIsBoundToTheClientAddressAndClientCookie() {
        byte[] cookie = HEX.parseHex(A1_CLIENT + A1_SERVER);
        assertThat(rcode(cookie, Queries.requester(true, CLIENT, NOW))).isEqualTo(Rcode.NOERROR);
        assertThat(rcode(cookie, Queries.requester(true, address("198.51.100.101"), NOW)))
                .as("another client address").isEqualTo(Rcode.BADCOOKIE);
        cookie[7] ^= 1;
        assertThat(rcode(cookie, Queries.requester(true, CLIENT, NOW))).as("another client cookie")
                .isEqualTo(Rcode.BADCOOKIE);
    }

    @Test
    void serverCookieIsValidFromFiveMinutesAheadToOneHourOld() {
        byte[] cookie = HEX.parseHex(A1_CLIENT + A1_SERVER);
        assertThat(rcode(cookie, Queries.requester(true, CLIENT, NOW + 3600))).isEqualTo(Rcode.NOERROR);
        assertThat(rcode(cookie, Queries.requester(true, CLIENT, NOW + 3601))).isEqualTo(Rcode.BADCOOKIE);
        assertThat(rcode(cookie, Queries.requester(true, CLIENT, NOW - 300))).isEqualTo(Rcode.NOERROR);
        assertThat(rcode(cookie, Queries.requester(true, CLIENT, NOW - 301))).isEqualTo(Rcode.BADCOOKIE);
    }

    @ParameterizedTest(name = "server cookie of {0} bytes")
    @ValueSource(ints = {8, 15, 17, 32})
    void serverCookieOfAnotherFormatIsInvalidNotMalformed(int length) {
        byte[] cookie = Arrays.copyOf(HEX.parseHex(A1_CLIENT + A1_SERVER), 8 + length);

        assertThat(rcode(cookie, Queries.requester(false, CLIENT, NOW))).isEqualTo(Rcode.NOERROR);
        assertThat(rcode(cookie, Queries.requester(true, CLIENT, NOW))).isEqualTo(Rcode.BADCOOKIE);
    }

    @Test
    void serverCookieOfAnotherVersionIsInvalid() {
        byte[] cookie = HEX.parseHex(A1_CLIENT + A1_SERVER);
        cookie[8] = 2;

        assertThat(rcode(cookie, Queries.requester(true, CLIENT, NOW))).isEqualTo(Rcode.BADCOOKIE);
    }

    // 5.2.5 A client cookie and a valid server cookie: the answer, with the server cookie renewed.

    @Test
    void validServerCookieIsAnsweredWithARenewedOne() {
        byte[] reply = answer(EdnsTest.withCookie(HEX.parseHex(A1_CLIENT + A1_SERVER)), false,
                Queries.requester(true, CLIENT, A2_NOW));

        assertThatReply(reply).hasRcode(Rcode.NOERROR).hasAnswer("backend.mesh. 30 IN A 240.0.0.7");
        assertThat(cookieOf(reply)).as("RFC 9018 A.2").isEqualTo(A1_CLIENT + A2_SERVER);
    }

    @Test
    void reservedBytesOfAnotherImplementationAreHashedAsReceivedAndAnsweredZero() {
        // A.3 (203.0.113.203). Its reply comes 1h52m after the cookie's timestamp, past the 1-hour
        // window, so validity is checked 10 minutes after it, and the reply at the RFC's time.
        byte[] cookie = HEX.parseHex("fc93fc62807ddb8601abcdef5cf78f71a314227b6679ebf5");
        InetAddress client = address("203.0.113.203");
        assertThat(rcode(cookie, Queries.requester(true, client, 1559727985L + 600))).isEqualTo(Rcode.NOERROR);

        byte[] reply = answer(EdnsTest.withCookie(cookie), false, Queries.requester(false, client, 1559734700L));
        assertThat(cookieOf(reply)).isEqualTo("fc93fc62807ddb86010000005cf7a9acf73a7810aca2381e");
    }

    @Test
    void previousSecretStillVerifiesAndTheCurrentOneMakesTheReplyOverIpv6() {
        // A.4: the secret rolled over from dd3b... to 4455...; the client has a cookie of the old one.
        Requester requester = new Requester(Cookies.of(List.of(HEX.parseHex("445536bcd2513298075a5d379663c962"),
                HEX.parseHex("dd3bdf9344b678b185a6f5cb60fca715")), true), () -> 1559741961L)
                .client(address("2001:db8:220:1:59de:d0f4:8769:82b8"));

        byte[] reply = answer(EdnsTest.withCookie(HEX.parseHex("22681ab97d52c298010000005cf7c57926556bd0934c72f8")),
                false, requester);

        assertThatReply(reply).hasRcode(Rcode.NOERROR).hasAnswer("backend.mesh. 30 IN A 240.0.0.7");
        assertThat(cookieOf(reply)).isEqualTo("22681ab97d52c298010000005cf7c609a6bb79d16625507a");
    }

    @Test
    void cookieFromAnotherProcessSecretIsInvalid() {
        Requester other = new Requester(Cookies.random(true), () -> NOW).client(CLIENT);

        assertThat(rcode(HEX.parseHex(A1_CLIENT + A1_SERVER), other)).isEqualTo(Rcode.BADCOOKIE);
    }

    // 5.4 Querying for a server cookie: no question, a COOKIE option.

    @Test
    void queryWithoutAQuestionButACookieGetsTheServerCookie() {
        byte[] reply = answer(questionless(cookieOption(HEX.parseHex(A1_CLIENT))), false,
                Queries.requester(true, CLIENT, NOW));

        Message m = ResolverTest.parse(reply);
        assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(m.getHeader().getCount(0)).as("QDCOUNT").isZero();
        assertThat(m.getHeader().getCount(1)).as("ANCOUNT").isZero();
        assertThat(m.getHeader().getID()).isEqualTo(0x1234);
        assertThat(cookieOf(m)).isEqualTo(A1_CLIENT + A1_SERVER);
    }

    @Test
    void queryForAServerCookieConfirmsAValidOneAndRefusesAnInvalidOne() {
        byte[] valid = HEX.parseHex(A1_CLIENT + A1_SERVER);
        byte[] forged = valid.clone();
        forged[20] ^= 1;
        Requester requester = Queries.requester(false, CLIENT, A2_NOW);

        assertThat(ResolverTest.parse(answer(questionless(cookieOption(valid)), false, requester)).getRcode())
                .isEqualTo(Rcode.NOERROR);
        Message refused = ResolverTest.parse(answer(questionless(cookieOption(forged)), false, requester));
        assertThat(refused.getRcode()).isEqualTo(Rcode.BADCOOKIE);
        assertThat(cookieOf(refused)).as("a fresh cookie to use").isEqualTo(A1_CLIENT + A2_SERVER);
    }

    @Test
    void queryWithoutAQuestionOrACookieIsStillFormerr() {
        byte[] noCookie = questionless(new byte[0]);

        assertThatReply(answer(noCookie, false, Queries.requester())).hasRcode(Rcode.FORMERR);
        byte[] noOpt = Arrays.copyOf(noCookie, 12);
        noOpt[11] = 0;
        assertThatReply(answer(noOpt, false, Queries.requester())).hasRcode(Rcode.FORMERR);
    }

    /** A header with QDCOUNT 0 and ARCOUNT 1, and an OPT holding {@code options}. */
    private static byte[] questionless(byte[] options) {
        byte[] withQuestion = withOptions("backend.mesh.", 0, options);
        int questionEnd = query("backend.mesh.", Type.A).length;
        byte[] q = EdnsTest.concat(Arrays.copyOf(withQuestion, 12),
                Arrays.copyOfRange(withQuestion, questionEnd, withQuestion.length));
        q[5] = 0;
        return q;
    }

    // Other replies carry the cookie too.

    @Test
    void negativeAnswersBadversAndForwardedQueriesCarryTheCookie() {
        byte[] option = cookieOption(HEX.parseHex(A1_CLIENT));
        byte[] reply = answer(withOptions("nosuch.mesh.", 0, option), false, Queries.requester());
        assertThatReply(reply).hasRcode(Rcode.NXDOMAIN);
        assertThat(cookieOf(reply)).isEqualTo(A1_CLIENT + A1_SERVER);

        Message badvers = ResolverTest.parse(answer(withOptions("backend.mesh.", 1, option), false,
                Queries.requester()));
        assertThat(badvers.getRcode()).isEqualTo(Rcode.BADVERS);
        assertThat(cookieOf(badvers)).isEqualTo(A1_CLIENT + A1_SERVER);

        byte[] external = withOptions("example.com.", 0, option);
        Requester requester = Queries.requester();
        assertThat(Resolver.answer(external, external.length, false, true, TABLE, requester,
                new byte[Resolver.MAX_REPLY])).isEqualTo(Resolver.FORWARD);
        assertThat(HEX.formatHex(requester.replyCookie())).as("the cookie the forwarded reply carries")
                .isEqualTo(A1_CLIENT + A1_SERVER);
    }

    private static byte[] cookieOption(byte[] value) {
        return ByteBuffer.allocate(4 + value.length).putShort((short) 10).putShort((short) value.length).put(value)
                .array();
    }

    /** A query for {@code name} A with an OPT of {@code version} holding {@code options}. */
    private static byte[] withOptions(String name, int version, byte[] options) {
        byte[] opt = ByteBuffer.allocate(11 + options.length).put((byte) 0).putShort((short) 41)
                .putShort((short) 1232).put((byte) 0).put((byte) version).putShort((short) 0)
                .putShort((short) options.length).put(options).array();
        byte[] q = EdnsTest.concat(query(name, Type.A), opt);
        q[11] = 1;
        return q;
    }

    private static int rcode(byte[] cookie, Requester requester) {
        return ResolverTest.parse(answer(EdnsTest.withCookie(cookie), false, requester)).getRcode();
    }

    private static byte[] answer(byte[] query, boolean tcp, Requester requester) {
        byte[] out = new byte[Resolver.MAX_REPLY];
        int length = Resolver.answer(query, query.length, tcp, false, TABLE, requester, out);
        return Arrays.copyOf(out, length);
    }

    /** The reply's COOKIE option value in hex, or null when it has none. */
    private static String cookieOf(byte[] reply) {
        return cookieOf(ResolverTest.parse(reply));
    }

    private static String cookieOf(Message m) {
        if (m.getOPT() == null) {
            return null;
        }
        List<EDNSOption> cookies = m.getOPT().getOptions(EDNSOption.Code.COOKIE);
        if (cookies.isEmpty()) {
            return null;
        }
        assertThat(cookies).as("COOKIE options").hasSize(1);
        CookieOption cookie = (CookieOption) cookies.get(0);
        return HEX.formatHex(cookie.getClientCookie()) + cookie.getServerCookie().map(HEX::formatHex).orElse("");
    }
}
