package dev.meshdns.core;

import static dev.meshdns.core.MessageAssert.assertThatReply;
import static dev.meshdns.core.Queries.query;
import static dev.meshdns.core.Queries.udp;
import static dev.meshdns.core.ResolverTest.ip;
import static dev.meshdns.core.ResolverTest.parse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.table.LiveTable;
import dev.meshdns.table.NameTable;
import dev.meshdns.table.ServiceVips;
import dev.meshdns.table.ZoneSpec;
import dev.meshdns.vip.Cidr;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** IPv6 pools, IPv4-mapped AAAA, and SERVFAIL with an Extended DNS Error for a service without a VIP. */
class DualStackTest {
    static final ZoneSpec DUAL = new ZoneSpec("mesh", 30, Cidr.parse("240.0.0.0/4"),
            Cidr.parse("fd00:fd00::/64"), false);
    static final NameTable TABLE = LiveTable.build(DUAL,
            List.of(ServiceEntry.of("backend"), ServiceEntry.of("v6starved")),
            Map.of("backend", new ServiceVips(v4("240.0.0.7"), v6("fd00:fd00::7"), null, null),
                    "v6starved", new ServiceVips(v4("240.0.0.8"), null, null,
                            "pool fd00:fd00::/126 exhausted: 2 addresses, all held"))).table();

    @Test
    void aaaaAnswersTheIpv6VipWithAnIpv6Pool() {
        assertThatReply(udp(TABLE, query("backend.mesh.", Type.AAAA)))
                .hasRcode(Rcode.NOERROR)
                .isAuthoritative()
                .hasAnswer("backend.mesh. 30 IN AAAA fd00:fd00:0:0:0:0:0:7");
        assertThatReply(udp(TABLE, query("backend.mesh.", Type.A))).hasAnswer("backend.mesh. 30 IN A 240.0.0.7");
    }

    @Test
    void ptrUnderIp6ArpaNamesTheService() {
        String ptr = "7.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.0.0.d.f.ip6.arpa.";
        assertThatReply(udp(TABLE, query(ptr, Type.PTR)))
                .hasRcode(Rcode.NOERROR)
                .isAuthoritative()
                .hasAnswer(ptr + " 30 IN PTR backend.mesh.");
        assertThatReply(udp(TABLE, query("9" + ptr.substring(1), Type.PTR)))
                .hasRcode(Rcode.NXDOMAIN)
                .hasSoaInAuthority("0.0.0.0.0.0.0.0.0.0.d.f.0.0.d.f.ip6.arpa.", 30);
    }

    @Test
    void aaaaIsTheIpv4MappedAddressWhenAskedAndThereIsNoIpv6Pool() {
        ZoneSpec mapped = new ZoneSpec("mesh", 30, Cidr.parse("240.0.0.0/4"), null, true);
        NameTable table = LiveTable.build(mapped, List.of(ServiceEntry.of("backend")),
                Map.of("backend", ServiceVips.of(v4("240.0.0.7")))).table();
        assertThatReply(udp(table, query("backend.mesh.", Type.AAAA)))
                .hasRcode(Rcode.NOERROR)
                .hasAnswer("backend.mesh. 30 IN AAAA ::ffff:240.0.0.7");
    }

    @Test
    void familyWithoutAVipIsServfailWithTheReasonAsExtendedError() {
        byte[] q = EdnsTest.concat(query("v6starved.mesh.", Type.AAAA), new byte[] {0, 0, 41, 4, (byte) 0xd0, 0, 0, 0, 0, 0, 0});
        q[11] = 1;
        Message reply = parse(udp(TABLE, q));
        assertThat(reply.getRcode()).isEqualTo(Rcode.SERVFAIL);
        List<EDNSOption> ede = reply.getOPT().getOptions(EDNSOption.Code.EDNS_EXTENDED_ERROR);
        assertThat(ede).singleElement().satisfies(option -> {
            ExtendedErrorCodeOption error = (ExtendedErrorCodeOption) option;
            assertThat(error.getErrorCode()).isEqualTo(ExtendedErrorCodeOption.OTHER);
            assertThat(error.getText()).contains("fd00:fd00::/126 exhausted");
        });
        assertThatReply(udp(TABLE, query("v6starved.mesh.", Type.A))).hasAnswer("v6starved.mesh. 30 IN A 240.0.0.8");
        assertThatReply(udp(TABLE, query("v6starved.mesh.", Type.AAAA))).hasRcode(Rcode.SERVFAIL).hasNoOpt();
    }

    @Test
    void zoneNamesBeforeTheFirstCatalogSayNotReady() {
        byte[] q = EdnsTest.concat(query("backend.mesh.", Type.A), new byte[] {0, 0, 41, 4, (byte) 0xd0, 0, 0, 0, 0, 0, 0});
        q[11] = 1;
        Message reply = parse(udp(LiveTable.notReady(DUAL), q));
        assertThat(reply.getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(reply.getOPT().getOptions(EDNSOption.Code.EDNS_EXTENDED_ERROR)).singleElement()
                .satisfies(o -> assertThat(((ExtendedErrorCodeOption) o).getErrorCode())
                        .isEqualTo(ExtendedErrorCodeOption.NOT_READY));
    }

    static Inet4Address v4(String literal) {
        return (Inet4Address) ip(literal);
    }

    static Inet6Address v6(String literal) {
        return (Inet6Address) ip(literal);
    }
}
