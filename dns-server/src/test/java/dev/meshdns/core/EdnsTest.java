package dev.meshdns.core;

import static dev.meshdns.core.MessageAssert.assertThatReply;
import static dev.meshdns.core.Queries.message;
import static dev.meshdns.core.Queries.query;
import static dev.meshdns.core.Queries.udp;
import static dev.meshdns.core.ResolverTest.TABLE;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.CookieOption;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

class EdnsTest {

    @Test
    void noOptInTheQueryMeansNoOptInTheReply() {
        assertThatReply(udp(TABLE, query("backend.mesh.", Type.A))).hasNoOpt();
    }

    @Test
    void optVersionZeroGetsExactlyOneOptWithOurPayloadAndDoCopied() {
        assertThatReply(udp(TABLE, withOpt(4096, 0, true))).hasRcode(Rcode.NOERROR).hasOpt(1232, true);
        assertThatReply(udp(TABLE, withOpt(512, 0, false))).hasOpt(1232, false);
    }

    @Test
    void unknownOptionsAreIgnoredAndNotEchoed() {
        Message m = message("backend.mesh.", Type.A);
        m.addRecord(new OPTRecord(1232, 0, 0, 0, List.of(new GenericEDNSOption(65001, new byte[] {1, 2, 3}))),
                org.xbill.DNS.Section.ADDITIONAL);
        Message reply = ResolverTest.parse(udp(TABLE, m.toWire()));
        assertThat(reply.getOPT().getOptions()).isEmpty();
        assertThat(reply.getRcode()).isEqualTo(Rcode.NOERROR);
    }

    @Test
    void optVersionOneIsBadversWithAVersionZeroOpt() {
        byte[] reply = udp(TABLE, withOpt(1232, 1, false));
        assertThat(reply[3] & 0x0f).as("header rcode").isZero();
        assertThatReply(reply).hasRcode(Rcode.BADVERS).hasOpt(1232, false).hasNoAnswer();
    }

    @Test
    void twoOptsAreFormerrWithAnOpt() {
        byte[] one = withOpt(1232, 0, false);
        byte[] opt = java.util.Arrays.copyOfRange(one, one.length - 11, one.length);
        byte[] q = concat(one, opt);
        q[11] = 2;
        assertThatReply(udp(TABLE, q)).hasRcode(Rcode.FORMERR).hasOpt(1232, false);
    }

    @Test
    void optNotOwnedByTheRootIsFormerr() {
        byte[] q = concat(query("backend.mesh.", Type.A),
                new byte[] {1, 'x', 0, 0, 41, 4, (byte) 0xd0, 0, 0, 0, 0, 0, 0});
        q[11] = 1;
        assertThatReply(udp(TABLE, q)).hasRcode(Rcode.FORMERR);
    }

    @Test
    void optionLengthOverrunningTheOptIsFormerr() {
        byte[] q = concat(query("backend.mesh.", Type.A),
                new byte[] {0, 0, 41, 4, (byte) 0xd0, 0, 0, 0, 0, 0, 4, 0, 10, 0, 8});
        q[11] = 1;
        assertThatReply(udp(TABLE, q)).hasRcode(Rcode.FORMERR);
    }

    @Test
    void clientCookieIsAnsweredWithClientAndServerCookie() {
        byte[] client = {1, 2, 3, 4, 5, 6, 7, 8};
        byte[] reply = udp(TABLE, withCookie(client));
        Message m = ResolverTest.parse(reply);
        List<EDNSOption> options = m.getOPT().getOptions(EDNSOption.Code.COOKIE);
        assertThat(options).hasSize(1);
        CookieOption cookie = (CookieOption) options.get(0);
        assertThat(cookie.getClientCookie()).isEqualTo(client);
        assertThat(cookie.getServerCookie()).hasValueSatisfying(s -> assertThat(s.length).isBetween(8, 32));
        assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(udp(TABLE, withCookie(client))).as("stable server cookie").isEqualTo(reply);
    }

    @Test
    void cookieOfBadLengthIsFormerr() {
        assertThatReply(udp(TABLE, withCookie(new byte[5]))).hasRcode(Rcode.FORMERR);
        assertThatReply(udp(TABLE, withCookie(new byte[41]))).hasRcode(Rcode.FORMERR);
        assertThatReply(udp(TABLE, withCookie(new byte[12]))).hasRcode(Rcode.FORMERR);
    }

    @Test
    void udpReplyLimitIsTheClientPayloadWithin512And1232() {
        assertThat(QueryState.replyLimit(QueryState.ABSENT)).isEqualTo(512);
        assertThat(QueryState.replyLimit(edns(withOpt(100, 0, false)))).isEqualTo(512);
        assertThat(QueryState.replyLimit(edns(withOpt(1000, 0, false)))).isEqualTo(1000);
        assertThat(QueryState.replyLimit(edns(withOpt(4096, 0, false)))).isEqualTo(1232);
    }

    private static long edns(byte[] q) {
        return Edns.parse(q, q.length - 11, q.length, 1);
    }

    static byte[] withOpt(int payload, int version, boolean dnssecOk) {
        byte[] q = query("backend.mesh.", Type.A);
        byte[] opt = ByteBuffer.allocate(11).put((byte) 0).putShort((short) 41).putShort((short) payload)
                .put((byte) 0).put((byte) version).putShort((short) (dnssecOk ? 0x8000 : 0)).putShort((short) 0)
                .array();
        byte[] out = concat(q, opt);
        out[11] = 1;
        return out;
    }

    static byte[] withCookie(byte[] cookie) {
        byte[] q = query("backend.mesh.", Type.A);
        ByteBuffer opt = ByteBuffer.allocate(15 + cookie.length).put((byte) 0).putShort((short) 41)
                .putShort((short) 1232).putInt(0).putShort((short) (4 + cookie.length))
                .putShort((short) 10).putShort((short) cookie.length).put(cookie);
        byte[] out = concat(q, opt.array());
        out[11] = 1;
        return out;
    }

    static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
