package dev.meshdns.it;

import static dev.meshdns.it.support.MessageAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.it.support.Catalog;
import dev.meshdns.it.support.DnsClient;
import dev.meshdns.it.support.Poll;
import dev.meshdns.it.support.ServerFlags;
import dev.meshdns.it.support.ServerProcess;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * SIGTERM as a rolling update sends it: /ready answers 503 at once so the Service stops sending
 * queries, /health stays 200 so the pod is not restarted, DNS keeps answering for --lameduck,
 * then the process closes and exits 0; a second SIGTERM cuts the lameduck short.
 */
class LameduckIT {
    private static final Duration LAMEDUCK = Duration.ofSeconds(3);
    private static final Duration MARGIN = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private ServerProcess start(String lameduck) {
        Path catalog = dir.resolve("catalog.yaml");
        Catalog.example().writeTo(catalog);
        ServerProcess server = ServerProcess.startAndWait(catalog, dir.resolve("data"),
                ServerFlags.defaults().with("--lameduck", lameduck));
        // Started (signals handled, catalog applied) once it says so; a SIGTERM before exits at once.
        Poll.until(ServerProcess.START_DEADLINE, server::log, log -> log.contains(" listening on udp/tcp "));
        return server;
    }

    @Test
    void afterSigtermReadyIs503HealthIs200AndDnsAnswersUntilTheLameduckEndsThenTheProcessExitsZero() {
        try (ServerProcess server = start("3s")) {
            DnsClient dns = server.client();
            assertThat(server.admin().get("/ready").statusCode()).isEqualTo(200);

            long signalled = System.nanoTime();
            server.terminate();
            HttpResponse<String> ready = pollReadyUntil503(server);

            assertThat(ready.body()).isEqualTo("not ready\nshutting down\n");
            assertThat(server.admin().get("/health").statusCode()).isEqualTo(200);
            Message reply = dns.query("backend.mesh.", Type.A);
            assertThat(reply).hasRcode(Rcode.NOERROR);
            assertThat(reply).hasAnswerCount(1);
            assertThat(dns.queryTcp("backend.mesh.", Type.A)).hasRcode(Rcode.NOERROR);
            assertThat(server.isAlive()).as("alive during the lameduck").isTrue();

            int code = server.awaitExit(LAMEDUCK.plus(MARGIN));
            Duration took = Duration.ofNanos(System.nanoTime() - signalled);

            assertThat(code).as("exit code").isZero();
            assertThat(took).as("time from SIGTERM to exit").isGreaterThanOrEqualTo(LAMEDUCK.minusMillis(100));
            assertThat(server.log()).contains("SIGTERM: shutting down", "mesh-dns stopping", "mesh-dns stopped");
        }
    }

    @Test
    void aSecondSigtermDuringTheLameduckStopsAtOnce() {
        try (ServerProcess server = start("60s")) {
            server.terminate();
            pollReadyUntil503(server);

            long second = System.nanoTime();
            server.terminate();
            int code = server.awaitExit(MARGIN);

            assertThat(code).isZero();
            assertThat(Duration.ofNanos(System.nanoTime() - second)).isLessThan(MARGIN);
            assertThat(server.log()).contains("SIGTERM again: stopping now", "mesh-dns stopped");
        }
    }

    @Test
    void withoutALameduckSigtermStopsAtOnceAndExitsZero() {
        try (ServerProcess server = start("0s")) {
            server.terminate();

            assertThat(server.awaitExit(MARGIN)).isZero();
        }
    }

    /** The first /ready that answers 503; SIGTERM reaches the JVM within moments. */
    private static HttpResponse<String> pollReadyUntil503(ServerProcess server) {
        long end = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (true) {
            HttpResponse<String> ready = server.admin().get("/ready");
            if (ready.statusCode() == 503 || System.nanoTime() - end > 0) {
                assertThat(ready.statusCode()).as("/ready after SIGTERM").isEqualTo(503);
                return ready;
            }
            Poll.pause(20);
        }
    }
}
