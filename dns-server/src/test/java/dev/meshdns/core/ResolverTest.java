package dev.meshdns.core;

import static dev.meshdns.core.MessageAssert.assertThatReply;
import static dev.meshdns.core.Queries.query;
import static dev.meshdns.core.Queries.tcp;
import static dev.meshdns.core.Queries.udp;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.table.LiveTable;
import dev.meshdns.table.NameTable;
import dev.meshdns.table.ZoneSpec;
import dev.meshdns.vip.Cidr;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class ResolverTest {
    static final ZoneSpec SPEC = new ZoneSpec("mesh", 30, Cidr.parse("240.0.0.0/4"));
    static final NameTable TABLE = Ipv4Tables.build(SPEC,
            List.of(ServiceEntry.of("backend"),
                    ServiceEntry.of("frontend_kong_svc_80"),
                    new ServiceEntry("httpbin", List.of("httpbin.org"), (Inet4Address) ip("240.0.0.100"), null, List.of()),
                    ServiceEntry.of("starved")),
            Map.of("backend", ip("240.0.0.7"), "frontend_kong_svc_80", ip("240.0.0.8"), "httpbin", ip("240.0.0.100")),
            Map.of("starved", "pool exhausted"));

    @Test
    void serviceNameAnswersItsVipAuthoritatively() {
        assertThatReply(udp(TABLE, query("backend.mesh.", Type.A)))
                .hasRcode(Rcode.NOERROR)
                .isAuthoritative()
                .hasAnswer("backend.mesh. 30 IN A 240.0.0.7");
    }

    @Test
    void kubernetesFormAndServiceTagShareOneVip() {
        assertThatReply(udp(TABLE, query("frontend.kong.svc.80.mesh.", Type.A)))
                .hasAnswer("frontend.kong.svc.80.mesh. 30 IN A 240.0.0.8");
        assertThatReply(udp(TABLE, query("frontend_kong_svc_80.mesh.", Type.A)))
                .hasAnswer("frontend_kong_svc_80.mesh. 30 IN A 240.0.0.8");
    }

    @Test
    void hostnameOutsideTheZoneIsAnsweredAuthoritatively() {
        assertThatReply(udp(TABLE, query("httpbin.org.", Type.A)))
                .hasRcode(Rcode.NOERROR)
                .isAuthoritative()
                .hasAnswer("httpbin.org. 30 IN A 240.0.0.100");
    }

    @Test
    void lookupIgnoresCaseAndEchoesTheQuestionByteForByte() {
        byte[] q = query("BaCkEnD.MeSh.", Type.A);
        byte[] reply = udp(TABLE, q);
        assertThat(Arrays.copyOfRange(reply, 12, q.length)).isEqualTo(Arrays.copyOfRange(q, 12, q.length));
        assertThatReply(reply).hasRcode(Rcode.NOERROR).hasAnswer("BaCkEnD.MeSh. 30 IN A 240.0.0.7");
    }

    @Test
    void idAndRecursionDesiredAreCopied() {
        byte[] q = query("backend.mesh.", Type.A);
        q[2] &= ~0x01;
        byte[] reply = udp(TABLE, q);
        assertThat(reply[0]).isEqualTo((byte) 0x12);
        assertThat(reply[1]).isEqualTo((byte) 0x34);
        assertThat(reply[2] & 0x01).as("RD").isZero();
        q[2] |= 0x01;
        assertThat(udp(TABLE, q)[2] & 0x01).as("RD").isOne();
        assertThat(udp(TABLE, q)[3] & 0x80).as("RA").isZero();
    }

    @Test
    void aaaaForIpv4OnlyNameIsNoDataNotNxdomain() {
        assertThatReply(udp(TABLE, query("backend.mesh.", Type.AAAA)))
                .hasRcode(Rcode.NOERROR)
                .isAuthoritative()
                .hasNoAnswer()
                .hasSoaInAuthority("mesh.", 30);
    }

    @ParameterizedTest
    @ValueSource(ints = {Type.MX, Type.TXT, 666, Type.SRV})
    void otherTypesOfAKnownNameAreNoData(int type) {
        assertThatReply(udp(TABLE, query("backend.mesh.", type)))
                .hasRcode(Rcode.NOERROR)
                .hasNoAnswer()
                .hasSoaInAuthority("mesh.", 30);
    }

    @Test
    void unknownNameInTheZoneIsNxdomainWithSoa() {
        assertThatReply(udp(TABLE, query("nope.mesh.", Type.A)))
                .hasRcode(Rcode.NXDOMAIN)
                .isAuthoritative()
                .hasNoAnswer()
                .hasSoaInAuthority("mesh.", 30);
    }

    @ParameterizedTest
    @ValueSource(strings = {"kong.svc.80.mesh.", "svc.80.mesh.", "80.mesh.", "KONG.svc.80.mesh."})
    void emptyNonTerminalIsNoDataNotNxdomain(String name) {
        assertThatReply(udp(TABLE, query(name, Type.A)))
                .hasRcode(Rcode.NOERROR)
                .isAuthoritative()
                .hasNoAnswer()
                .hasSoaInAuthority("mesh.", 30);
    }

    @Test
    void nameBelowAServiceIsNxdomain() {
        assertThatReply(udp(TABLE, query("x.backend.mesh.", Type.A))).hasRcode(Rcode.NXDOMAIN);
    }

    @Test
    void apexAnswersSoaAndNs() {
        Message soa = parse(udp(TABLE, query("mesh.", Type.SOA)));
        assertThat(soa.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(soa.getSection(Section.ANSWER)).singleElement()
                .asString().contains("ns.dns.mesh.", "hostmaster.dns.mesh.", "3600 600 86400 30");
        assertThatReply(udp(TABLE, query("mesh.", Type.NS)))
                .isAuthoritative()
                .hasAnswer("mesh. 30 IN NS ns.dns.mesh.");
    }

    @Test
    void ptrOfAVipNamesEveryNameOfItsService() {
        assertThatReply(udp(TABLE, query("100.0.0.240.in-addr.arpa.", Type.PTR)))
                .hasRcode(Rcode.NOERROR)
                .isAuthoritative()
                .hasAnswer("100.0.0.240.in-addr.arpa. 30 IN PTR httpbin.mesh.",
                        "100.0.0.240.in-addr.arpa. 30 IN PTR httpbin.org.");
        assertThatReply(udp(TABLE, query("8.0.0.240.in-addr.arpa.", Type.PTR)))
                .hasAnswer("8.0.0.240.in-addr.arpa. 30 IN PTR frontend_kong_svc_80.mesh.",
                        "8.0.0.240.in-addr.arpa. 30 IN PTR frontend.kong.svc.80.mesh.");
    }

    @Test
    void ptrOfAnUnallocatedPoolAddressIsNxdomain() {
        assertThatReply(udp(TABLE, query("7.7.7.250.in-addr.arpa.", Type.PTR)))
                .hasRcode(Rcode.NXDOMAIN)
                .isAuthoritative()
                .hasSoaInAuthority("250.in-addr.arpa.", 30);
    }

    @Test
    void anyIsMinimalOneRrset() {
        assertThatReply(udp(TABLE, query("backend.mesh.", Type.ANY)))
                .hasRcode(Rcode.NOERROR)
                .hasAnswer("backend.mesh. 30 IN A 240.0.0.7");
        assertThat(parse(udp(TABLE, query("mesh.", Type.ANY))).getSection(Section.ANSWER)).hasSize(1);
    }

    @Test
    void serviceWithoutAVipIsServfailNotAMadeUpAddress() {
        assertThatReply(udp(TABLE, query("starved.mesh.", Type.A))).hasRcode(Rcode.SERVFAIL).hasNoAnswer();
    }

    @Test
    void zoneNamesAreServfailBeforeTheFirstCatalog() {
        NameTable notReady = LiveTable.notReady(SPEC);
        assertThatReply(udp(notReady, query("backend.mesh.", Type.A))).hasRcode(Rcode.SERVFAIL);
        assertThatReply(udp(notReady, query("mesh.", Type.SOA))).hasRcode(Rcode.SERVFAIL);
        assertThatReply(udp(notReady, query("example.com.", Type.A))).hasRcode(Rcode.REFUSED);
    }

    @Test
    void nameOutsideEveryZoneIsRefusedWithoutRecursionAvailable() {
        byte[] reply = udp(TABLE, query("example.com.", Type.A));
        assertThatReply(reply).hasRcode(Rcode.REFUSED).isNotAuthoritative().hasNoAnswer();
        assertThat(reply[3] & 0x80).as("RA").isZero();
    }

    @Test
    void classOtherThanInIsRefused() {
        byte[] q = query("backend.mesh.", Type.A);
        q[q.length - 1] = 3; // CH
        assertThatReply(udp(TABLE, q)).hasRcode(Rcode.REFUSED);
        q[q.length - 1] = 4; // HS
        assertThatReply(udp(TABLE, q)).hasRcode(Rcode.REFUSED);
    }

    @ParameterizedTest
    @ValueSource(ints = {Type.AXFR, Type.IXFR})
    void zoneTransfersAreRefused(int type) {
        assertThatReply(tcp(TABLE, query("mesh.", type))).hasRcode(Rcode.REFUSED);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 5, 15})
    void unknownOpcodeIsNotImpWithOpcodeAndIdEchoed(int opcode) {
        byte[] q = query("backend.mesh.", Type.A);
        q[2] = (byte) ((q[2] & 0x87) | (opcode << 3));
        byte[] reply = udp(TABLE, q);
        assertThat(reply[3] & 0x0f).isEqualTo(Rcode.NOTIMP);
        assertThat((reply[2] >> 3) & 0x0f).isEqualTo(opcode);
        assertThat(reply[2] & 0x80).as("QR").isNotZero();
        assertThat(Arrays.copyOf(reply, 2)).isEqualTo(Arrays.copyOf(q, 2));
    }

    @Test
    void truncatesAWholeRrsetRatherThanSendingPartOfIt() {
        List<String> hostnames = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            hostnames.add("host-" + i + "-abcdefghijklmnopqrstuvwxyz0123456789abcdefghijk.example.com");
        }
        NameTable big = Ipv4Tables.build(SPEC,
                List.of(new ServiceEntry("big", hostnames, null, null, List.of())),
                Map.of("big", ip("240.0.0.9")), Map.of());
        byte[] q = query("9.0.0.240.in-addr.arpa.", Type.PTR);
        byte[] edns = EdnsTest.concat(q, new byte[] {0, 0, 41, 0x10, 0, 0, 0, 0, 0, 0, 0});
        edns[11] = 1;
        byte[] withOpt = udp(big, edns);
        assertThat(withOpt.length).isLessThanOrEqualTo(1232);
        assertThatReply(withOpt).isTruncated(true).hasNoAnswer().hasOpt(1232, false);
        byte[] reply = udp(big, q);
        assertThat(reply.length).isLessThanOrEqualTo(512);
        assertThatReply(reply).isTruncated(true).hasNoAnswer();
        Message full = parse(tcp(big, q));
        assertThat(full.getSection(Section.ANSWER)).hasSize(31);
        assertThatReply(tcp(big, q)).isTruncated(false);
    }

    @Test
    void aHostnameClaimedByTwoEntriesGoesToTheSmallerServiceNameWhateverTheOrderAndIsReported() {
        for (List<ServiceEntry> entries : List.of(
                List.of(new ServiceEntry("a", List.of("shared.example.com"), null, null, List.of()),
                        new ServiceEntry("b", List.of("shared.example.com", "deep.shared.example.com"), null, null,
                                List.of())),
                List.of(new ServiceEntry("b", List.of("shared.example.com", "deep.shared.example.com"), null, null,
                                List.of()),
                        new ServiceEntry("a", List.of("shared.example.com"), null, null, List.of())))) {
            NameTable table = Ipv4Tables.build(SPEC, entries,
                    Map.of("a", ip("240.0.0.1"), "b", ip("240.0.0.2")), Map.of());
            assertThatReply(udp(table, query("shared.example.com.", Type.A)))
                    .hasAnswer("shared.example.com. 30 IN A 240.0.0.1");
            assertThatReply(udp(table, query("deep.shared.example.com.", Type.A)))
                    .hasAnswer("deep.shared.example.com. 30 IN A 240.0.0.2");
            assertThat(table.problems()).singleElement().asString()
                    .contains("\"b\"", "shared.example.com", "\"a\"");
        }
    }

    @Test
    void aServicesOwnNameBeatsAnotherEntrysHostnameWhateverTheOrder() {
        ServiceEntry hijack = new ServiceEntry("hijack", List.of("backend.mesh"), null, null, List.of());
        for (List<ServiceEntry> entries : List.of(List.of(hijack, ServiceEntry.of("backend")),
                List.of(ServiceEntry.of("backend"), hijack))) {
            NameTable table = Ipv4Tables.build(SPEC, entries,
                    Map.of("hijack", ip("240.0.0.1"), "backend", ip("240.0.0.2")), Map.of());

            assertThatReply(udp(table, query("backend.mesh.", Type.A))).hasAnswer("backend.mesh. 30 IN A 240.0.0.2");
            assertThatReply(udp(table, query("hijack.mesh.", Type.A))).hasAnswer("hijack.mesh. 30 IN A 240.0.0.1");
            assertThat(table.problems()).singleElement().asString()
                    .contains("\"hijack\"", "backend.mesh", "\"backend\"");
        }
    }

    @Test
    void aPtrNameBeatsAHostnameInTheReverseZoneWhateverTheOrder() {
        ServiceEntry squatter = new ServiceEntry("a", List.of("2.0.0.240.in-addr.arpa"), null, null, List.of());
        for (List<ServiceEntry> entries : List.of(List.of(squatter, ServiceEntry.of("z")),
                List.of(ServiceEntry.of("z"), squatter))) {
            NameTable table = Ipv4Tables.build(SPEC, entries,
                    Map.of("a", ip("240.0.0.1"), "z", ip("240.0.0.2")), Map.of());

            assertThatReply(udp(table, query("2.0.0.240.in-addr.arpa.", Type.PTR)))
                    .hasAnswer("2.0.0.240.in-addr.arpa. 30 IN PTR z.mesh.");
        }
    }

    @Test
    void ptrOfAServiceWithTenThousandHostnamesAnswersItsOwnNamesFirstAndFitsOverTcp() {
        List<String> hostnames = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            hostnames.add(String.format("h%05d-abcdefghijklmnopqrstuvwxyz0123456789abcdefghijk.example.com", i));
        }
        Collections.shuffle(hostnames, new Random(1));
        NameTable big = Ipv4Tables.build(SPEC,
                List.of(new ServiceEntry("big_shop_svc_80", hostnames, null, null, List.of())),
                Map.of("big_shop_svc_80", ip("240.0.0.9")), Map.of());
        byte[] q = query("9.0.0.240.in-addr.arpa.", Type.PTR);

        byte[] overTcp = tcp(big, q);
        Message full = parse(overTcp);
        assertThatReply(overTcp).hasRcode(Rcode.NOERROR).isTruncated(false);
        assertThat(full.getSection(Section.ANSWER)).hasSize(64);
        assertThat(full.getSection(Section.ANSWER)).extracting(r -> ((PTRRecord) r).getTarget().toString())
                .startsWith("big_shop_svc_80.mesh.", "big.shop.svc.80.mesh.",
                        "h00000-abcdefghijklmnopqrstuvwxyz0123456789abcdefghijk.example.com.");
        assertThatReply(udp(big, q)).isTruncated(true).hasNoAnswer();
    }

    static Message parse(byte[] wire) {
        try {
            return new Message(wire);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
