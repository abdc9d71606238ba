package dev.meshdns.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.it.support.Catalog;
import dev.meshdns.it.support.DnsClient;
import dev.meshdns.it.support.Poll;
import dev.meshdns.it.support.Replies;
import dev.meshdns.it.support.ServerFlags;
import dev.meshdns.it.support.ServerProcess;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Files of the file store damaged between two runs of the real server (after {@code kill -9} or a
 * clean stop): the next start fails with exit 2 and one line naming the file and what is missing,
 * instead of giving the lost services' VIPs to others; with {@code --accept-store-loss} it starts,
 * saying at WARN what it accepted.
 */
class StoreDamageIT {
    /** Version 3 files begin with a 20-byte header: magic, version, revision, checksum. */
    private static final int HEADER_BYTES = 20;
    private static final Duration EXIT_DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void deletedJournalAfterKillDashNineRefusesTheStartUntilTheLossIsAccepted() throws IOException {
        List<String> services = names("svc", 20);
        answerThenKill(services);
        Files.delete(dataDir().resolve("vips.journal"));

        String refused = startExpectingRefusal();

        assertThat(refused).contains("vips.journal is missing: revision").contains("--accept-store-loss");
        startAcceptingTheLoss(services);
    }

    @Test
    void journalTruncatedToItsHeaderAfterAStopRefusesTheStartUntilTheLossIsAccepted() throws IOException {
        List<String> services = names("svc", 20);
        Catalog.empty().withServices(services).writeTo(catalog());
        try (ServerProcess server = ServerProcess.startAndWait(catalog(), dataDir())) {
            vips(server.client(), services);
            server.stop();
        }
        try (FileChannel journal = FileChannel.open(dataDir().resolve("vips.journal"), StandardOpenOption.WRITE)) {
            journal.truncate(HEADER_BYTES);
        }

        String refused = startExpectingRefusal();

        assertThat(refused).contains("vips.journal ends at revision 0, but revision 1 was written")
                .contains("revision 1 is missing (truncated, or an older copy)");
        startAcceptingTheLoss(services);
    }

    @Test
    void deletedSnapshotRefusesTheStartNamingWhereTheJournalContinues() throws IOException {
        // Past 10 000 journal rows the store writes a snapshot and starts a fresh journal.
        List<String> many = names("bulk", 10_001);
        Catalog.empty().withServices(many).writeTo(catalog());
        try (ServerProcess server = ServerProcess.startAndWait(catalog(), dataDir())) {
            vipOf(server.client(), "bulk10000");
            Catalog.empty().withServices(many).withService("late").writeTo(catalog());
            vipOf(server.client(), "late");
            server.kill();
            server.awaitExit(EXIT_DEADLINE);
        }
        assertThat(dataDir().resolve("vips.snapshot")).isRegularFile();
        Files.delete(dataDir().resolve("vips.snapshot"));

        String refused = startExpectingRefusal();

        assertThat(refused).contains("vips.snapshot is missing: ").contains("vips.journal continues from revision");
    }

    private void answerThenKill(List<String> services) {
        Catalog.empty().withServices(services).writeTo(catalog());
        try (ServerProcess server = ServerProcess.startAndWait(catalog(), dataDir())) {
            vips(server.client(), services);
            server.kill();
            server.awaitExit(EXIT_DEADLINE);
        }
    }

    /** Starts the server on the damaged data dir; it must exit 2 before answering. Returns its log. */
    private String startExpectingRefusal() {
        try (ServerProcess server = ServerProcess.start(catalog(), dataDir())) {
            int exit = server.awaitExit(EXIT_DEADLINE);
            String log = server.log();
            assertThat(exit).as("exit code; log:%n%s", log).isEqualTo(2);
            assertThat(log).contains("mesh-dns failed to start: VIP store in --data-dir " + dataDir())
                    .doesNotContain("\tat ");
            return log;
        }
    }

    /** With the flag the server starts, logs the loss at WARN, answers every service; then starts without it. */
    private void startAcceptingTheLoss(List<String> services) {
        try (ServerProcess server = ServerProcess.startAndWait(catalog(), dataDir(),
                ServerFlags.defaults().withSwitch("--accept-store-loss"))) {
            assertThat(vips(server.client(), services)).hasSize(services.size());
            assertThat(server.log()).contains("WARN").contains("accepting the loss of VIP allocations");
            server.stop();
        }
        try (ServerProcess server = ServerProcess.startAndWait(catalog(), dataDir())) {
            assertThat(vips(server.client(), services)).hasSize(services.size());
        }
    }

    private Path catalog() {
        return dir.resolve("catalog.yaml");
    }

    private Path dataDir() {
        return dir.resolve("data");
    }

    private static Map<String, String> vips(DnsClient dns, List<String> services) {
        Map<String, String> vips = new LinkedHashMap<>();
        for (String service : services) {
            vips.put(service, vipOf(dns, service));
        }
        return vips;
    }

    private static String vipOf(DnsClient dns, String service) {
        Message reply = Poll.until(Duration.ofSeconds(60), () -> dns.query(service + ".mesh.", Type.A),
                r -> r.getRcode() == Rcode.NOERROR);
        return Replies.vipOf(reply);
    }

    private static List<String> names(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + i).collect(Collectors.toList());
    }
}
