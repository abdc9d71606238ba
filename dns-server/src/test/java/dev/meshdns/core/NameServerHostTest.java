package dev.meshdns.core;

import static dev.meshdns.core.MessageAssert.assertThatReply;
import static dev.meshdns.core.Queries.query;
import static dev.meshdns.core.Queries.udp;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.table.NameTable;
import dev.meshdns.table.ZoneSpec;
import dev.meshdns.vip.Cidr;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** The host the apex NS names resolves in the zone: its address, or NODATA, never NXDOMAIN. */
class NameServerHostTest {
    private static final Cidr POOL = Cidr.parse("240.0.0.0/4");

    private static NameTable table(ZoneSpec.NameServer nameServer) {
        ZoneSpec spec = new ZoneSpec("mesh", 30, POOL, null, false, nameServer);
        return Ipv4Tables.build(spec, List.of(ServiceEntry.of("backend")), Map.of("backend", ip("240.0.0.7")),
                Map.of());
    }

    @Test
    void defaultNsTargetWithAnAddressAnswersIt() {
        NameTable table = table(ZoneSpec.NameServer.defaultFor("mesh", List.of(ip("10.96.0.53"), ip("fd00::53"))));

        assertThatReply(udp(table, query("ns.dns.mesh.", Type.A)))
                .hasRcode(Rcode.NOERROR)
                .isAuthoritative()
                .hasAnswer("ns.dns.mesh. 30 IN A 10.96.0.53");
        assertThatReply(udp(table, query("NS.dns.MESH.", Type.AAAA)))
                .hasRcode(Rcode.NOERROR)
                .hasAnswer("NS.dns.MESH. 30 IN AAAA fd00:0:0:0:0:0:0:53");
    }

    @Test
    void nsTargetWithoutAnAddressIsNoDataNotNxdomain() {
        NameTable table = table(null);

        assertThatReply(udp(table, query("ns.dns.mesh.", Type.A)))
                .hasRcode(Rcode.NOERROR)
                .isAuthoritative()
                .hasNoAnswer()
                .hasSoaInAuthority("mesh.", 30);
        assertThatReply(udp(table, query("dns.mesh.", Type.A)))
                .as("the empty non-terminal above it")
                .hasRcode(Rcode.NOERROR)
                .hasNoAnswer();
    }

    @Test
    void operatorNamedNsInsideTheZoneIsTheApexNsAndSoaMnameAndResolves() {
        NameTable table = table(new ZoneSpec.NameServer("dns1.mesh", List.of(ip("10.0.0.53"))));

        assertThatReply(udp(table, query("mesh.", Type.NS))).hasAnswer("mesh. 30 IN NS dns1.mesh.");
        assertThatReply(udp(table, query("dns1.mesh.", Type.A))).hasAnswer("dns1.mesh. 30 IN A 10.0.0.53");
        assertThatReply(udp(table, query("ns.dns.mesh.", Type.A))).hasRcode(Rcode.NXDOMAIN);
    }

    @Test
    void operatorNamedNsOutsideTheZoneGetsNoNameInIt() {
        NameTable table = table(new ZoneSpec.NameServer("ns1.example.com", List.of()));

        assertThatReply(udp(table, query("mesh.", Type.NS))).hasAnswer("mesh. 30 IN NS ns1.example.com.");
        assertThatReply(udp(table, query("ns1.example.com.", Type.A))).hasRcode(Rcode.REFUSED);
    }

    @Test
    void aServiceNamedLikeTheNsHostStillAnswersItsOwnName() {
        NameTable table = Ipv4Tables.build(new ZoneSpec("mesh", 30, POOL, null, false,
                        new ZoneSpec.NameServer("ns.mesh", List.of(ip("10.0.0.53")))),
                List.of(ServiceEntry.of("ns")), Map.of("ns", ip("240.0.0.9")), Map.of());

        assertThatReply(udp(table, query("ns.mesh.", Type.A))).hasAnswer("ns.mesh. 30 IN A 10.0.0.53");
        assertThat(table.problems()).anySatisfy(problem -> assertThat(problem)
                .contains("ns.mesh").contains("the zone's name server"));
    }

    private static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
