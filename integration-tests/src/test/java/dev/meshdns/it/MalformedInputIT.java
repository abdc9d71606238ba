package dev.meshdns.it;

import static dev.meshdns.it.support.MessageAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.it.support.Catalog;
import dev.meshdns.it.support.DnsClient;
import dev.meshdns.it.support.Poll;
import dev.meshdns.it.support.Replies;
import dev.meshdns.it.support.ServerProcess;
import dev.meshdns.it.support.Wire;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** Malformed packets over UDP: dropped or FORMERR with the ID kept, and the server keeps answering. */
class MalformedInputIT {
    private static final int A = Type.A;
    private static final int IN = 1;

    @TempDir
    static Path dir;
    static ServerProcess server;
    static DnsClient dns;

    @BeforeAll
    static void startServer() {
        Path catalog = dir.resolve("catalog.yaml");
        Catalog.example().writeTo(catalog);
        server = ServerProcess.startAndWait(catalog, dir.resolve("data"));
        dns = server.client();
        Poll.until(Poll.RELOAD_DEADLINE, () -> dns.query("backend.mesh.", A), r -> r.getRcode() == Rcode.NOERROR);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    /** After every bad packet the server is still up and answers a normal query. */
    @AfterEach
    void serverStillAnswers() {
        assertThat(server.isAlive()).as("server process alive; log:%n%s", server.log()).isTrue();
        Message reply = Poll.until(Poll.RELOAD_DEADLINE, () -> dns.query("backend.mesh.", A),
                r -> r.getRcode() == Rcode.NOERROR);
        assertThat(reply).hasRcode(Rcode.NOERROR);
        assertThat(reply).hasAnswerCount(1);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 11})
    void messageShorterThanAHeaderIsDropped(int length) {
        byte[] valid = DnsClient.newQuery("backend.mesh.", A).toWire();

        dns.udpExpectNoReply(Arrays.copyOf(valid, length));
    }

    @Test
    void messageWithQrSetIsDropped() {
        byte[] response = DnsClient.newQuery("backend.mesh.", A).toWire();
        response[2] |= (byte) 0x80;

        dns.udpExpectNoReply(response);
    }

    static Stream<Arguments> malformedQueries() {
        String label63 = "a".repeat(63);
        return Stream.of(
                Arguments.of("QDCOUNT=0", Wire.message().queryHeader(0x0101, 0, 0, 0, 0).bytes()),
                Arguments.of("QDCOUNT=2", Wire.message().queryHeader(0x0102, 2, 0, 0, 0)
                        .question("backend.mesh", A, IN).question("httpbin.mesh", A, IN).bytes()),
                Arguments.of("ANCOUNT=1", Wire.message().queryHeader(0x0103, 1, 1, 0, 0)
                        .question("backend.mesh", A, IN).aRecord("backend.mesh", 30, 240, 0, 0, 1).bytes()),
                Arguments.of("NSCOUNT=1", Wire.message().queryHeader(0x0104, 1, 0, 1, 0)
                        .question("backend.mesh", A, IN).aRecord("backend.mesh", 30, 240, 0, 0, 1).bytes()),
                Arguments.of("question cut inside the type", Wire.message().queryHeader(0x0105, 1, 0, 0, 0)
                        .name("backend.mesh").bytes(0).bytes()),
                Arguments.of("question cut inside a label", Wire.message().queryHeader(0x0106, 1, 0, 0, 0)
                        .bytes(7, 'b', 'a', 'c').bytes()),
                Arguments.of("label of 64 bytes", Wire.message().queryHeader(0x0107, 1, 0, 0, 0)
                        .question("a".repeat(64) + ".mesh", A, IN).bytes()),
                Arguments.of("name longer than 255 bytes", Wire.message().queryHeader(0x0108, 1, 0, 0, 0)
                        .question(String.join(".", label63, label63, label63, label63, "mesh"), A, IN).bytes()),
                Arguments.of("compression pointer to itself", Wire.message().queryHeader(0x0109, 1, 0, 0, 0)
                        .bytes(0xc0, 12).u16(A).u16(IN).bytes()),
                Arguments.of("compression pointer forwards", Wire.message().queryHeader(0x010a, 1, 0, 0, 0)
                        .bytes(7).raw("backend".getBytes()).bytes(0xc0, 26).u16(A).u16(IN).name("mesh").bytes()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedQueries")
    void malformedQueryIsFormerrWithIdKeptOrDropped(String description, byte[] query) {
        Optional<byte[]> reply = dns.udpMaybe(query, DnsClient.NO_REPLY_WAIT);

        if (reply.isPresent()) {
            byte[] wire = reply.get();
            assertThat(wire.length).as("reply length").isGreaterThanOrEqualTo(12);
            assertThat(Replies.qr(wire)).as("QR").isTrue();
            assertThat(Replies.id(wire)).as("ID").isEqualTo(Replies.id(query));
            assertThat(Rcode.string(Replies.headerRcode(wire))).as("rcode of\n%s", DnsClient.hex(wire))
                    .isEqualTo(Rcode.string(Rcode.FORMERR));
        }
    }

    @Test
    void twoThousandRandomPacketsNeverCrashTheServer() throws IOException {
        Random random = new Random(20240607L);
        byte[] valid = DnsClient.newQuery("backend.mesh.", A).toWire();
        try (DatagramSocket socket = dns.connectedSocket()) {
            for (int i = 0; i < 2000; i++) {
                byte[] packet = i % 2 == 0 ? garbage(random) : mutated(valid, random);
                socket.send(new DatagramPacket(packet, packet.length));
                if (i % 100 == 99) {
                    // a pause for the server to drain: a burst can overflow its socket buffer, and a
                    // query lost there is the kernel's doing, so the check query may be retried
                    Optional<byte[]> reply = Poll.until(Poll.RELOAD_DEADLINE,
                            () -> dns.udpMaybe(valid, Duration.ofMillis(300)), Optional::isPresent);
                    assertThat(reply).as("reply after %d packets", i + 1).isPresent();
                }
            }
        }

        assertThat(server.isAlive()).isTrue();
        assertThat(server.log()).doesNotContain("reached at the tail of the pipeline").doesNotContain("LEAK:");
    }

    private static byte[] garbage(Random random) {
        byte[] packet = new byte[random.nextInt(600)];
        random.nextBytes(packet);
        return packet;
    }

    private static byte[] mutated(byte[] valid, Random random) {
        byte[] packet = Arrays.copyOf(valid, valid.length + random.nextInt(8));
        int flips = 1 + random.nextInt(4);
        for (int i = 0; i < flips; i++) {
            packet[random.nextInt(packet.length)] = (byte) random.nextInt(256);
        }
        return packet;
    }
}
