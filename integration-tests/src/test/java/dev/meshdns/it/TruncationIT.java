package dev.meshdns.it;

import static dev.meshdns.it.support.MessageAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.it.support.Catalog;
import dev.meshdns.it.support.DnsClient;
import dev.meshdns.it.support.Poll;
import dev.meshdns.it.support.ServerProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * UDP size limits: 512 without OPT, 1232 with one; a whole RRset or TC=1, never a partial RRset.
 * The entry {@code big} has 30 hostnames of 60 characters, so its PTR answer is about 2.5 kB.
 */
class TruncationIT {
    private static final String BIG_VIP = "240.0.0.200";
    private static final String BIG_PTR = "200.0.0.240.in-addr.arpa.";
    private static final List<String> HOSTNAMES = IntStream.rangeClosed(1, 30)
            .mapToObj(i -> String.format("h%02d-%s.example.com", i, "a".repeat(44)))
            .collect(Collectors.toList());

    @TempDir
    static Path dir;
    static ServerProcess server;
    static DnsClient dns;

    @BeforeAll
    static void startServer() {
        Path catalog = dir.resolve("catalog.yaml");
        Catalog.example().withService("big", BIG_VIP, HOSTNAMES).writeTo(catalog);
        server = ServerProcess.startAndWait(catalog, dir.resolve("data"));
        dns = server.client();
        Poll.until(Poll.RELOAD_DEADLINE, () -> dns.query("big.mesh.", Type.A), r -> r.getRcode() == Rcode.NOERROR);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void largeAnswerOverUdpWithoutOptIsTruncatedToAnEmptyAnswerWithin512Bytes() {
        byte[] wire = dns.udp(DnsClient.newQuery(BIG_PTR, Type.PTR).toWire());

        assertThat(wire.length).as("reply size").isLessThanOrEqualTo(512);
        Message reply = DnsClient.parse(wire);
        assertThat(reply).isTruncated();
        assertThat(reply).hasEmptyAnswer();
        assertThat(reply).hasNoOpt();
    }

    @Test
    void largeAnswerOverUdpWithOptPayload4096IsTruncatedWithOptWithin1232Bytes() {
        Message query = DnsClient.newQuery(BIG_PTR, Type.PTR);
        query.addRecord(new OPTRecord(4096, 0, 0, 0), Section.ADDITIONAL);

        byte[] wire = dns.udp(query.toWire());

        assertThat(wire.length).as("reply size").isLessThanOrEqualTo(1232);
        Message reply = DnsClient.parse(wire);
        assertThat(reply).isTruncated();
        assertThat(reply).hasEmptyAnswer();
        assertThat(reply).hasOneOpt();
    }

    @Test
    void largeAnswerOverTcpIsCompleteAndNotTruncated() {
        Message reply = dns.queryTcp(BIG_PTR, Type.PTR);

        assertThat(reply).hasRcode(Rcode.NOERROR);
        assertThat(reply).isNotTruncated();
        assertThat(reply).isAuthoritative();
        List<String> expected = new ArrayList<>();
        expected.add(BIG_PTR + " 30 IN PTR big.mesh.");
        HOSTNAMES.forEach(hostname -> expected.add(BIG_PTR + " 30 IN PTR " + hostname + "."));
        assertThat(reply).hasAnswer(expected.toArray(String[]::new));
    }

    @Test
    void optPayloadBelow512IsTreatedAs512() {
        Message query = DnsClient.newQuery("100.0.0.240.in-addr.arpa.", Type.PTR);
        query.addRecord(new OPTRecord(100, 0, 0, 0), Section.ADDITIONAL);

        byte[] wire = dns.udp(query.toWire());

        assertThat(wire.length).as("reply size, larger than the advertised 100").isGreaterThan(100);
        Message reply = DnsClient.parse(wire);
        assertThat(reply).isNotTruncated();
        assertThat(reply).hasAnswerCount(2);
        assertThat(reply).hasOneOpt();
    }

    @Test
    void smallAnswerOfTheSameEntryOverUdpIsNotTruncated() {
        Message reply = dns.query(HOSTNAMES.get(29) + ".", Type.A);

        assertThat(reply).isNotTruncated();
        assertThat(reply).hasAnswer(HOSTNAMES.get(29) + ". 30 IN A " + BIG_VIP);
    }
}
