package dev.meshdns.it;

import static dev.meshdns.it.support.MessageAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.it.support.Catalog;
import dev.meshdns.it.support.DnsClient;
import dev.meshdns.it.support.KnotUpstream;
import dev.meshdns.it.support.Replies;
import dev.meshdns.it.support.ServerFlags;
import dev.meshdns.it.support.ServerProcess;
import dev.meshdns.it.support.UpstreamAndServer;
import dev.meshdns.it.support.UpstreamZones;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * "Outside the zone" of DNS-BEHAVIOR.md over real sockets: mesh-dns started with {@code --upstream}
 * pointing at a real Knot DNS, answering the mesh from its catalog and every other name through
 * Knot, with a cache.
 */
class ForwardingIT {
    @TempDir
    static Path dir;
    static UpstreamAndServer both;
    static KnotUpstream knot;
    static ServerProcess server;
    static DnsClient dns;

    @BeforeAll
    static void start() {
        both = UpstreamAndServer.start(dir, flags -> flags);
        knot = both.knot();
        server = both.server();
        dns = server.client();
    }

    @AfterAll
    static void stop() {
        if (both != null) {
            both.close();
        }
    }

    @Test
    void zoneNamesAreAnsweredFromTheCatalogNeverFromUpstream() throws Exception {
        Message reply = dns.query("backend.mesh.", Type.A);

        assertThat(reply).hasRcode(Rcode.NOERROR).isAuthoritative().hasRecursionAvailable();
        assertThat(Replies.vipOf(reply)).isNotEqualTo(UpstreamZones.DECOY);
        assertThat(Replies.isInPool(Replies.vipOf(reply))).as("a VIP of the pool").isTrue();
        assertThat(dns.query("nothere.mesh.", Type.A)).hasRcode(Rcode.NXDOMAIN).isAuthoritative();
    }

    @Test
    void aNameOutsideTheZoneIsForwardedWithRecursionAvailableAndNotAuthoritative() {
        Message query = DnsClient.newQuery("www.example.test.", Type.A);

        Message reply = dns.exchange(query);

        assertThat(reply).hasRcode(Rcode.NOERROR).isNotAuthoritative().hasRecursionAvailable()
                .hasId(query.getHeader().getID());
        assertThat(Replies.vipOf(reply)).isEqualTo(UpstreamZones.WWW);
    }

    @Test
    void aRepeatedQueryIsAnsweredFromTheCacheWithTheClientsCaseAndACountedDownTtl() {
        dns.query("cached.example.test.", Type.A); // NXDOMAIN, negatively cached
        dns.query("www.example.test.", Type.A);
        long before = knot.queriesAnswered();

        Message upper = dns.query("WWW.Example.TEST.", Type.A);
        Message negative = dns.query("cached.example.test.", Type.A);

        assertThat(knot.queriesAnswered()).as("queries that reached Knot").isEqualTo(before);
        assertThat(upper.getQuestion().getName().toString()).isEqualTo("WWW.Example.TEST.");
        assertThat(upper.getSection(Section.ANSWER).get(0).getTTL()).isBetween(3500L, 3600L);
        assertThat(negative).hasRcode(Rcode.NXDOMAIN);
    }

    @Test
    void nxdomainUpstreamIsNxdomainWithTheUpstreamSoa() {
        Message reply = dns.query("nope.example.test.", Type.A);

        assertThat(reply).hasRcode(Rcode.NXDOMAIN).isNotAuthoritative().hasRecursionAvailable();
        assertThat(reply.getSection(Section.AUTHORITY)).singleElement()
                .satisfies(soa -> assertThat(soa.getType()).isEqualTo(Type.SOA));
    }

    @Test
    void aCatalogHostnameOutsideTheZoneKeepsItsMeshAddressAndForwardsTheRest() {
        assertThat(Replies.vipOf(dns.query("httpbin.org.", Type.A))).isEqualTo("240.0.0.100");
        assertThat(dns.query("httpbin.org.", Type.MX)).hasRcode(Rcode.NOERROR).hasRecursionAvailable()
                .hasAnswer("httpbin.org. 3600 IN MX 10 mail.httpbin.org.");
        assertThat(Replies.vipOf(dns.query("www.httpbin.org.", Type.A))).isEqualTo("192.0.2.81");
    }

    @Test
    void anAnswerTooLargeForUdpIsTruncatedThereAndWholeOverTcp() {
        Message udp = dns.queryWithEdns("big.example.test.", Type.TXT);
        Message tcp = dns.queryTcp("big.example.test.", Type.TXT);

        assertThat(udp).isTruncated().hasRcode(Rcode.NOERROR);
        assertThat(udp.getSection(Section.ANSWER)).isEmpty();
        assertThat(tcp).isNotTruncated().hasAnswerCount(UpstreamZones.BIG_RECORDS);
    }

    @Test
    void theReplyOfAUdpQueryWithoutEdnsStaysWithin512Bytes() {
        byte[] reply = dns.udp(DnsClient.newQuery("big.example.test.", Type.TXT).toWire());

        assertThat(reply.length).isLessThanOrEqualTo(512);
        assertThat(DnsClient.parse(reply)).isTruncated();
    }

    @Test
    void aClientOutsideRecursionAllowIsRefusedOutsideTheZoneButAnsweredInIt() {
        Path catalog = dir.resolve("catalog-acl.yaml");
        Catalog.example().writeTo(catalog);
        try (ServerProcess strict = ServerProcess.startAndWait(catalog, dir.resolve("data-acl"),
                ServerFlags.defaults().with("--upstream", knot.address()).with("--recursion-allow", "10.0.0.0/8"))
                .awaitName("backend.mesh.")) {
            DnsClient client = strict.client();

            assertThat(client.query("www.example.test.", Type.A)).hasRcode(Rcode.REFUSED).hasNoRecursionAvailable();
            assertThat(client.query("backend.mesh.", Type.A)).hasRcode(Rcode.NOERROR).isAuthoritative()
                    .hasNoRecursionAvailable();
        }
    }
}
