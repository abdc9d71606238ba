package dev.meshdns.core;

import static dev.meshdns.core.MessageAssert.assertThatReply;
import static dev.meshdns.core.Queries.forwarding;
import static dev.meshdns.core.Queries.query;
import static dev.meshdns.core.Queries.udpForwarding;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** For a client that may recurse, which names the core hands upstream ({@link Resolver#FORWARD}) and which it keeps. */
class ForwardingDecisionTest {
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
    void aClientThatMayRecurseIsToldSoInEveryReplyOthersAreNot() {
        byte[] q = query("backend.mesh.", Type.A);

        assertThat(udpForwarding(ResolverTest.TABLE, q)[3] & 0x80).as("RA with recursion").isNotZero();
        assertThat(Queries.udp(ResolverTest.TABLE, q)[3] & 0x80).as("RA without").isZero();
    }
}
