package dev.meshdns.it;

import static dev.meshdns.it.support.MessageAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.it.support.Catalog;
import dev.meshdns.it.support.DnsClient;
import dev.meshdns.it.support.Poll;
import dev.meshdns.it.support.ServerProcess;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Entries at the limits, on real sockets with the real server process (no upstream): a service of
 * 10,000 hostnames, names below a hostname outside the zone, a single-label hostname, and pins
 * that cannot be a VIP. Each bad entry is rejected alone; every good one answers.
 */
class CatalogEntryLimitsIT {
    private static final String BIG_VIP = "240.0.0.201";
    private static final String BIG_PTR = "201.0.0.240.in-addr.arpa.";
    private static final List<String> HOSTNAMES = IntStream.range(0, 10_000)
            .mapToObj(i -> String.format("h%05d.big.example", 9_999 - i)).toList();

    @TempDir
    static Path dir;
    static ServerProcess server;
    static DnsClient dns;

    @BeforeAll
    static void startServer() {
        Path catalog = dir.resolve("catalog.yaml");
        Catalog.example()
                .withService("big", BIG_VIP, HOSTNAMES)
                .with("- service: tld\n  hostnames: [com]\n")
                .with("- service: loopback\n  vip: 127.0.0.1\n")
                .with("- service: broadcast\n  vip: 255.255.255.255\n")
                .with("- service: unspecified6\n  vip6: \"::\"\n")
                .with("- service: poolfirst\n  vip: 240.0.0.0\n")
                .withService("good")
                .writeTo(catalog);
        server = ServerProcess.startAndWait(catalog, dir.resolve("data")).awaitName("good.mesh.");
        dns = server.client();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void ptrOfAServiceWithTenThousandHostnamesOverTcpFitsAndNamesTheServiceFirst() {
        Message reply = dns.queryTcp(BIG_PTR, Type.PTR);

        assertThat(reply).hasRcode(Rcode.NOERROR).isAuthoritative().isNotTruncated().hasAnswerCount(64);
        List<String> targets = reply.getSection(Section.ANSWER).stream()
                .map(record -> ((PTRRecord) record).getTarget().toString()).toList();
        assertThat(targets).startsWith("big.mesh.", "h00000.big.example.", "h00001.big.example.");
    }

    @Test
    void ptrOfAServiceWithTenThousandHostnamesOverUdpIsTruncatedWithNoRecords() {
        byte[] wire = dns.udp(DnsClient.newQueryWithEdns(BIG_PTR, Type.PTR).toWire());

        assertThat(wire.length).isLessThanOrEqualTo(1232);
        assertThat(DnsClient.parse(wire)).isTruncated().hasEmptyAnswer().hasOneOpt();
    }

    @Test
    void theCappedPtrIsLoggedOnceNamingTheService() {
        String log = server.awaitLog("service \"big\" has 10001 names", Poll.RELOAD_DEADLINE);

        assertThat(log.split("service \"big\" has 10001 names", -1)).hasSize(2);
    }

    @Test
    void everyHostnameOfTheBigServiceAnswersItsVip() {
        for (String hostname : List.of("h00000.big.example.", "h04711.big.example.", "h09999.big.example.")) {
            assertThat(dns.query(hostname, Type.A)).hasAnswer(hostname + " 30 IN A " + BIG_VIP);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"www.h00001.big.example.", "big.example.", "www.httpbin.org.", "google.com."})
    void aNameBelowOrBesideAHostnameOutsideTheZoneIsRefusedNotAnsweredNxdomain(String name) {
        Message reply = dns.query(name, Type.A);

        assertThat(reply).hasRcode(Rcode.REFUSED).isNotAuthoritative().hasEmptyAnswer();
    }

    @Test
    void aSingleLabelHostnameRejectsItsEntryNamingIt() {
        String log = server.awaitLog("hostname \"com\" must have at least two labels", Poll.RELOAD_DEADLINE);

        assertThat(log).contains("(service \"tld\")");
        assertThat(dns.query("tld.mesh.", Type.A)).hasRcode(Rcode.NXDOMAIN);
    }

    @ParameterizedTest
    @ValueSource(strings = {"loopback", "broadcast", "unspecified6", "poolfirst"})
    void aPinThatCannotBeAVipRejectsItsEntryAloneNamingIt(String service) {
        String log = server.awaitLog("service \"" + service + "\"", Poll.RELOAD_DEADLINE);

        assertThat(log).containsPattern("service \"" + service + "\"\\)?: vip6? \\S+ cannot be a VIP");
        assertThat(dns.query(service + ".mesh.", Type.A)).hasRcode(Rcode.NXDOMAIN);
        assertThat(dns.query("good.mesh.", Type.A)).hasRcode(Rcode.NOERROR);
    }
}
