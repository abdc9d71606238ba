package dev.meshdns.core;

import static dev.meshdns.core.MessageAssert.assertThatReply;
import static dev.meshdns.core.Queries.forwarding;
import static dev.meshdns.core.Queries.query;
import static dev.meshdns.core.Queries.udpForwarding;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** With forwarding on, which names the core hands upstream ({@link Resolver#FORWARD}) and which it keeps. */
class ForwardingDecisionTest {
    private static final byte[] OUT = new byte[Resolver.MAX_REPLY];

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "example.com., A", "kubernetes.default.svc.cluster.local., A", "org., NS", "., NS",
            "httpbin.org., MX", "httpbin.org., TXT", "httpbin.org., SOA", "httpbin.org., NS",
            "www.httpbin.org., A", "a.b.httpbin.org., AAAA", "8.8.8.8.in-addr.arpa., PTR"})
    void namesThatAreNotTheServersAreForwarded(String name, String type) {
        assertThat(forwarding(ResolverTest.TABLE, query(name, Type.value(type)))).isEqualTo(Resolver.FORWARD);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "backend.mesh., A, NOERROR", "backend.mesh., MX, NOERROR", "nothere.mesh., A, NXDOMAIN",
            "below.backend.mesh., A, NXDOMAIN", "mesh., SOA, NOERROR", "kong.svc.80.mesh., A, NOERROR",
            "100.0.0.240.in-addr.arpa., PTR, NOERROR", "99.0.0.240.in-addr.arpa., PTR, NXDOMAIN",
            "httpbin.org., A, NOERROR", "httpbin.org., AAAA, NOERROR", "httpbin.org., ANY, NOERROR"})
    void zoneNamesReversePoolNamesAndHostAddressesAreNeverForwarded(String name, String type, String rcode) {
        byte[] reply = udpForwarding(ResolverTest.TABLE, query(name, Type.value(type)));

        assertThatReply(reply).hasRcode(Rcode.value(rcode)).isAuthoritative();
    }

    @Test
    void withoutForwardingAHostnameOutsideTheZoneIsStillItsOwnZone() {
        assertThatReply(Queries.udp(ResolverTest.TABLE, query("www.httpbin.org.", Type.A))).hasRcode(Rcode.NXDOMAIN);
        assertThatReply(Queries.udp(ResolverTest.TABLE, query("example.com.", Type.A))).hasRcode(Rcode.REFUSED);
    }

    @Test
    void refusedKeepsIdQuestionAndOptAndDeniesRecursion() throws Exception {
        Message query = Queries.message("example.com.", Type.A);
        query.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
        byte[] withOpt = query.toWire();

        int length = Resolver.refused(withOpt, withOpt.length, false, OUT);

        Message reply = new Message(Arrays.copyOf(OUT, length));
        assertThat(reply.getRcode()).isEqualTo(Rcode.REFUSED);
        assertThat(reply.getHeader().getID()).isEqualTo(0x1234);
        assertThat(reply.getQuestion().getName().toString()).isEqualTo("example.com.");
        assertThat(reply.getOPT()).isNotNull();
        assertThat(OUT[3] & 0x80).as("RA").isZero();
        assertThat(OUT[2] & 0x04).as("AA").isZero();
    }
}
