package dev.meshdns.core;

import static dev.meshdns.core.MessageAssert.assertThatReply;
import static dev.meshdns.core.Queries.forwarding;
import static dev.meshdns.core.Queries.query;
import static dev.meshdns.core.Queries.udpForwarding;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.table.NameTable;
import java.util.List;
import java.util.Map;
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
    void withoutForwardingANameBelowAHostnameOutsideTheZoneIsRefusedNotOurNxdomain() {
        assertThatReply(Queries.udp(ResolverTest.TABLE, query("www.httpbin.org.", Type.A)))
                .hasRcode(Rcode.REFUSED).isNotAuthoritative().hasNoAnswer();
        assertThatReply(Queries.udp(ResolverTest.TABLE, query("example.com.", Type.A))).hasRcode(Rcode.REFUSED);
        assertThatReply(Queries.udp(ResolverTest.TABLE, query("httpbin.org.", Type.A)))
                .hasRcode(Rcode.NOERROR).isAuthoritative().hasAnswer("httpbin.org. 30 IN A 240.0.0.100");
    }

    /** A hostname covers that one name: neither a name between two hostnames nor one below is ours. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"www.example.com.", "b.example.com.", "x.a.b.example.com.", "google.com.", "com."})
    void namesAroundHostnamesOutsideTheZoneAreRefusedWithoutAndForwardedWithForwarding(String name) {
        NameTable table = Ipv4Tables.build(ResolverTest.SPEC,
                List.of(new ServiceEntry("web", List.of("example.com", "a.b.example.com"), null, null, List.of())),
                Map.of("web", ResolverTest.ip("240.0.0.9")), Map.of());

        assertThatReply(Queries.udp(table, query(name, Type.A))).hasRcode(Rcode.REFUSED).isNotAuthoritative();
        assertThat(forwarding(table, query(name, Type.A))).isEqualTo(Resolver.FORWARD);
        assertThatReply(Queries.udp(table, query("a.b.example.com.", Type.A)))
                .hasAnswer("a.b.example.com. 30 IN A 240.0.0.9");
        assertThatReply(Queries.udp(table, query("example.com.", Type.A))).hasAnswer("example.com. 30 IN A 240.0.0.9");
    }

    @Test
    void aClientThatMayRecurseIsToldSoInEveryReplyOthersAreNot() {
        byte[] q = query("backend.mesh.", Type.A);

        assertThat(udpForwarding(ResolverTest.TABLE, q)[3] & 0x80).as("RA with recursion").isNotZero();
        assertThat(Queries.udp(ResolverTest.TABLE, q)[3] & 0x80).as("RA without").isZero();
    }
}
