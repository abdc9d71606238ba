package dev.meshdns.it;

import static dev.meshdns.it.support.MessageAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.it.support.Catalog;
import dev.meshdns.it.support.DnsClient;
import dev.meshdns.it.support.Metrics;
import dev.meshdns.it.support.Poll;
import dev.meshdns.it.support.Replies;
import dev.meshdns.it.support.ServerProcess;
import dev.meshdns.it.support.SmallDisk;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * The file store on a full disk (a real ENOSPC, on a small tmpfs): new services answer SERVFAIL
 * while the names already answered keep their VIPs; the log (one ERROR line with the OS message),
 * {@code /ready} and the gauge {@code meshdns_vip_store_failing} say why; once space is free again
 * the new services get their VIPs without a restart, and the journal is left whole (a restart
 * keeps every VIP and finds no torn frame).
 */
class FullDiskIT {
    private static final int DISK_KIB = 1024;
    /** Enough new services that their one claim frame (about 50 bytes a row) needs new pages of the disk. */
    private static final int NEWCOMERS = 150;
    /** Retries back off to 10 s; a loaded machine gets twice that and more. */
    private static final Duration RECOVERY_DEADLINE = Duration.ofSeconds(40);
    private static final Duration FAILING_DEADLINE = Duration.ofSeconds(20);
    private static final String ENOSPC = "No space left on device";

    @TempDir
    Path dir;

    @Test
    void newServicesWaitForSpaceAndGetTheirVipsOnceItIsFreeWithoutARestart() {
        Path catalog = dir.resolve("catalog.yaml");
        List<String> known = List.of("known1", "known2");
        List<String> newcomers = IntStream.range(0, NEWCOMERS)
                .mapToObj(i -> String.format("newcomer-with-a-longer-service-name-%03d", i))
                .collect(Collectors.toList());
        List<String> all = new ArrayList<>(known);
        all.addAll(newcomers);
        Catalog.empty().withServices(known).writeTo(catalog);

        Map<String, String> answered;
        try (SmallDisk disk = SmallDisk.mount(dir.resolve("disk"), DISK_KIB)) {
            Path dataDir = disk.root().resolve("data");
            try (ServerProcess server = ServerProcess.startAndWait(catalog, dataDir)) {
                DnsClient dns = server.client();
                Map<String, String> knownVips = vips(dns, known, Poll.RELOAD_DEADLINE);

                disk.fill();
                Catalog.empty().withServices(all).writeTo(catalog);
                Message waiting = Poll.until(Poll.RELOAD_DEADLINE, () -> dns.query(newcomers.get(0) + ".mesh.", Type.A),
                        reply -> reply.getRcode() != Rcode.NXDOMAIN);
                assertThat(waiting).as("a new service while the disk is full").hasRcode(Rcode.SERVFAIL);
                assertThat(vips(dns, known, Poll.RELOAD_DEADLINE)).as("known services on a full disk")
                        .isEqualTo(knownVips);
                Metrics failing = Poll.until(FAILING_DEADLINE, () -> server.admin().metrics(),
                        m -> m.value("meshdns_vip_store_failing") == 1
                                && m.value("meshdns_vip_store_errors_total") >= 3);
                assertThat(failing.value("meshdns_vip_store_failing")).as("gauge in%n%s", failing).isEqualTo(1);
                assertThat(failing.value("meshdns_vip_store_errors_total")).as("failed attempts").isGreaterThanOrEqualTo(3);
                HttpResponse<String> ready = server.admin().get("/ready");
                assertThat(ready.statusCode()).as("/ready: known names still answer").isEqualTo(200);
                assertThat(ready.body()).as("/ready").contains("VIP store failing").contains(ENOSPC)
                        .contains(dataDir.toString());
                assertThat(errorLinesWith(server.log(), ENOSPC)).as("ERROR lines naming the cause, after %s"
                        + " failed attempts, in%n%s", failing.value("meshdns_vip_store_errors_total"), server.log())
                        .hasSize(1)
                        .allSatisfy(line -> assertThat(line).contains(dataDir.toString()));

                disk.free();
                answered = vips(dns, all, RECOVERY_DEADLINE);
                assertThat(answered).as("known services after the disk was freed").containsAllEntriesOf(knownVips);
                Metrics recovered = Poll.until(Poll.RELOAD_DEADLINE, () -> server.admin().metrics(),
                        m -> m.value("meshdns_vip_store_failing") == 0);
                assertThat(recovered.value("meshdns_vip_store_failing")).as("gauge once writes work").isEqualTo(0);
                assertThat(server.admin().get("/ready").body()).as("/ready once writes work")
                        .doesNotContain("VIP store failing");
                assertThat(server.log()).contains("VIP store works again");
                server.stop();

                try (ServerProcess restarted = server.restartAndWait()) {
                    assertThat(vips(restarted.client(), all, Poll.RELOAD_DEADLINE)).as("VIPs after a restart")
                            .isEqualTo(answered);
                    assertThat(restarted.log()).as("the restarted server's log").doesNotContain("torn tail");
                }
            }
        }
    }

    private static List<String> errorLinesWith(String log, String text) {
        return log.lines().filter(line -> line.contains(" ERROR ") && line.contains(text)).collect(Collectors.toList());
    }

    private static Map<String, String> vips(DnsClient dns, List<String> services, Duration deadline) {
        Map<String, String> vips = new LinkedHashMap<>();
        for (String service : services) {
            Message reply = Poll.until(deadline, () -> dns.query(service + ".mesh.", Type.A),
                    r -> r.getRcode() == Rcode.NOERROR);
            vips.put(service, Replies.vipOf(reply));
        }
        return vips;
    }
}
