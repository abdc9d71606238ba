package dev.meshdns.it;

import static dev.meshdns.it.support.MessageAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.it.support.Catalog;
import dev.meshdns.it.support.Poll;
import dev.meshdns.it.support.ServerFlags;
import dev.meshdns.it.support.ServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * {@code --transport}: a named transport the machine lacks fails the start naming the flag, and
 * {@code auto} falls back to the next one, saying why; {@code --udp-threads} sets the UDP sockets. Netty's {@code -Dio.netty.transport.noNative=true}
 * makes io_uring and epoll unavailable, as on a kernel or container without them.
 */
class TransportIT {
    private static final List<String> NO_NATIVE = List.of("-Xmx256m", "-Dio.netty.transport.noNative=true");
    private static final Duration EXIT_DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void namedTransportThatIsNotAvailableFailsTheStartWithOneLineNamingTheFlag() {
        Path catalog = dir.resolve("catalog.yaml");
        Catalog.example().writeTo(catalog);

        try (ServerProcess server = ServerProcess.start(catalog, dir.resolve("data"),
                ServerFlags.defaults().with("--transport", "io_uring"), NO_NATIVE)) {
            assertThat(server.awaitExit(EXIT_DEADLINE)).as("exit code (the settings' fault)").isEqualTo(2);
            assertThat(server.log())
                    .contains("--transport io_uring is not available on this machine (Native transport was explicit"
                            + " disabled with -Dio.netty.transport.noNative=true); use --transport auto")
                    .doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    @Test
    void autoFallsBackToNioSayingWhyTheNativeTransportsAreNotAvailableAndAnswers() {
        Path catalog = dir.resolve("catalog.yaml");
        Catalog.example().writeTo(catalog);

        try (ServerProcess server = ServerProcess.start(catalog, dir.resolve("data"),
                ServerFlags.defaults().with("--transport", "auto"), NO_NATIVE)) {
            server.waitUntilAnswering();
            Message udp = Poll.until(Poll.RELOAD_DEADLINE, () -> server.client().query("backend.mesh.", Type.A),
                    reply -> reply.getRcode() == Rcode.NOERROR);
            Message tcp = server.client().queryTcp("backend.mesh.", Type.A);

            assertThat(udp).hasRcode(Rcode.NOERROR);
            assertThat(tcp).hasRcode(Rcode.NOERROR);
            assertThat(server.log().lines().filter(line -> line.contains("dns transport")))
                    .singleElement().asString()
                    .contains("dns transport nio (--transport auto:")
                    .contains("is not available (Native transport was explicit disabled");
        }
    }

    @Test
    void unknownTransportIsRejectedWithTheChoices() {
        Path catalog = dir.resolve("catalog.yaml");
        Catalog.example().writeTo(catalog);

        try (ServerProcess server = ServerProcess.start(catalog, dir.resolve("data"),
                ServerFlags.defaults().with("--transport", "uring"))) {
            assertThat(server.awaitExit(EXIT_DEADLINE)).as("exit code").isEqualTo(2);
            assertThat(server.log()).contains("transport must be auto, io_uring, epoll or nio (got \"uring\")")
                    .doesNotContain("\tat ");
        }
    }

    @Test
    void udpThreadsOpensThatManyUdpSocketsAndTheStartLineSaysSo() {
        Path catalog = dir.resolve("catalog.yaml");
        Catalog.example().writeTo(catalog);

        try (ServerProcess server = ServerProcess.start(catalog, dir.resolve("data"),
                ServerFlags.defaults().with("--udp-threads", "3"))) {
            server.waitUntilAnswering();
            Message reply = Poll.until(Poll.RELOAD_DEADLINE, () -> server.client().query("backend.mesh.", Type.A),
                    answer -> answer.getRcode() == Rcode.NOERROR);

            assertThat(reply).hasRcode(Rcode.NOERROR);
            assertThat(server.log().lines().filter(line -> line.contains("dns transport")))
                    .singleElement().asString().containsPattern("udp 127\\.0\\.0\\.1:\\d+ \\(3 sockets\\), tcp 127\\.0\\.0\\.1:\\d+$");
        }
    }

    @Test
    void udpThreadsOutOfRangeFailsTheStartNamingTheFlag() {
        Path catalog = dir.resolve("catalog.yaml");
        Catalog.example().writeTo(catalog);

        try (ServerProcess server = ServerProcess.start(catalog, dir.resolve("data"),
                ServerFlags.defaults().with("--udp-threads", "257"))) {
            assertThat(server.awaitExit(EXIT_DEADLINE)).as("exit code").isEqualTo(2);
            assertThat(server.log()).contains("udp-threads must be from 0 (one per two cores) to 256 (got 257)")
                    .doesNotContain("\tat ");
        }
    }
}
