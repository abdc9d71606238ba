package dev.meshdns.it;

import static dev.meshdns.it.support.MessageAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.it.support.Catalog;
import dev.meshdns.it.support.ControlPlaneProcess;
import dev.meshdns.it.support.DnsClient;
import dev.meshdns.it.support.Poll;
import dev.meshdns.it.support.Replies;
import dev.meshdns.it.support.ServerFlags;
import dev.meshdns.it.support.ServerProcess;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The control plane going away and coming back, with mesh-dns fed by it alone: names keep being
 * served from memory and, after a mesh-dns restart, from the last-known-good file; a control plane
 * restarted with the same entries resends nothing (resume with initial_resource_versions); a changed
 * catalog is converged to once it is back. Each test has its own control plane and mesh-dns.
 */
class ControlPlaneOutageIT {
    static final Duration SYNC_DEADLINE = Duration.ofSeconds(10);
    /** Long enough for several reconnect attempts (backoff 1 s x1.6). */
    static final Duration OUTAGE = Duration.ofSeconds(4);
    static final List<String> NAMES = List.of("backend.mesh.", "frontend_kong_svc_80.mesh.", "httpbin.mesh.", "httpbin.org.");

    @TempDir
    Path dir;
    Path catalog;
    ControlPlaneProcess controlPlane;
    ServerProcess server;

    @BeforeEach
    void startControlPlaneAndServer() {
        catalog = dir.resolve("catalog.yaml");
        Catalog.example().writeTo(catalog);
        controlPlane = ControlPlaneProcess.startAndWait(catalog);
        server = startServer();
    }

    @AfterEach
    void stopAll() {
        server.close();
        controlPlane.close();
    }

    private ServerProcess startServer() {
        return ServerProcess.startAndWait(null, dir.resolve("data"), ServerFlags.defaults()
                .with("--control-plane", controlPlane.target())
                .with("--node-id", "outage-it"));
    }

    /** Waits until every example name answers, and returns name -> VIP. */
    private static Map<String, String> awaitAllNames(DnsClient dns) {
        Map<String, String> vips = new LinkedHashMap<>();
        for (String name : NAMES) {
            vips.put(name, Replies.vipOf(Poll.until(SYNC_DEADLINE, () -> dns.query(name, Type.A),
                    r -> r.getRcode() == Rcode.NOERROR)));
        }
        return vips;
    }

    /** Asserts, query after query for the whole period, that every name keeps its VIP. */
    private static void assertServedThroughout(DnsClient dns, Map<String, String> vips, Duration period) {
        long end = System.nanoTime() + period.toNanos();
        while (System.nanoTime() - end < 0) {
            vips.forEach((name, vip) -> assertThat(Replies.vipOf(dns.query(name, Type.A))).as(name).isEqualTo(vip));
            Poll.pause(20);
        }
    }

    @Test
    void controlPlaneRestartedWithTheSameEntriesResendsNothing() {
        Map<String, String> vips = awaitAllNames(server.client());
        controlPlane.awaitLog("opened: 0 entries held by the client, 1 responses", SYNC_DEADLINE);

        controlPlane.stop();
        long appliedBefore = server.log().lines().filter(line -> line.contains("catalog applied")).count();
        controlPlane = ControlPlaneProcess.startAndWait(catalog, controlPlane.port(), null);
        String log = controlPlane.awaitLog("opened:", SYNC_DEADLINE.plus(OUTAGE));

        assertThat(log).as("the resumed stream's first line").contains("opened: 3 entries held by the client, 0 responses");
        assertServedThroughout(server.client(), vips, Duration.ofSeconds(1));
        assertThat(server.log().lines().filter(line -> line.contains("catalog applied")).count())
                .as("catalogs applied by mesh-dns after the resume").isEqualTo(appliedBefore);
    }

    /**
     * Backoff 1 s x1.6 (20% jitter) restarts from 1 s once a stream is established: a control plane
     * back after a short outage is reconnected to within a few attempts, however often it restarted.
     * A resumed stream whose versions all match gets no response, only the response headers the
     * control plane sends on accepting it, and is an established stream all the same.
     */
    @Test
    void controlPlaneRestartedAgainAndAgainIsReconnectedToPromptlyEachTime() {
        awaitAllNames(server.client());
        controlPlane.awaitLog("opened:", SYNC_DEADLINE);
        // With the backoff reset, a reconnect needs at most ~1.2 + 1.9 + 3.1 s of attempts; without
        // it, the 7th restart would wait 1.6^6 s x jitter, 13 s or more.
        Duration reconnectDeadline = Duration.ofSeconds(10);

        for (int restart = 1; restart <= 7; restart++) {
            controlPlane.kill();
            controlPlane = ControlPlaneProcess.startAndWait(catalog, controlPlane.port(), null);

            String log = controlPlane.awaitLog("opened:", reconnectDeadline);
            assertThat(log).as("restart %d", restart).contains("opened: 3 entries held by the client, 0 responses");
        }
    }

    /**
     * The control plane listens only once its catalog is loaded: listening with an empty state would
     * tell the resuming mesh-dns to remove every name.
     */
    @Test
    void controlPlaneRestartedBeforeItsCatalogFileExistsListensOnceItIsThereAndRemovesNothing() throws Exception {
        Map<String, String> vips = awaitAllNames(server.client());
        controlPlane.awaitLog("opened:", SYNC_DEADLINE);
        controlPlane.kill();
        Path later = Files.move(catalog, dir.resolve("catalog-later.yaml"));

        controlPlane = ControlPlaneProcess.start(catalog, controlPlane.port(), null);
        controlPlane.awaitLog("not listening on", SYNC_DEADLINE);
        assertServedThroughout(server.client(), vips, OUTAGE); // mesh-dns retries meanwhile
        assertThat(controlPlane.acceptsConnections()).as("listening without a catalog").isFalse();
        Files.move(later, catalog, StandardCopyOption.ATOMIC_MOVE);
        String log = controlPlane.awaitLog("opened:", SYNC_DEADLINE.plus(OUTAGE));

        assertThat(log).as("the resumed stream's first line").contains("opened: 3 entries held by the client, 0 responses");
        assertServedThroughout(server.client(), vips, Duration.ofSeconds(1));
    }

    @Test
    void aLastKnownGoodFileDamagedPastItsHeadAnswersNeitherFromItNorFromTheSavedTable() throws Exception {
        awaitAllNames(server.client());
        controlPlane.kill();
        server.stop();
        Path saved = dir.resolve("data").resolve("control-plane-catalog.json");
        String text = Files.readString(saved);
        Files.writeString(saved, text.substring(0, text.indexOf("\"resources\":[") + 20)); // the head and a torn entry

        server = startServer();
        Poll.until(SYNC_DEADLINE, server::log, log -> log.contains("control plane unavailable"));

        String log = server.log();
        assertThat(log).contains("answering from the saved table", "is unusable, starting without it");
        assertThat(server.client().query("backend.mesh.", Type.A)).hasRcode(Rcode.SERVFAIL);
        assertThat(server.admin().get("/ready").statusCode()).isEqualTo(503);
    }

    @Test
    void withTheControlPlaneDownAndNothingKnownZoneNamesAreServfailAndNotReady() {
        server.close();
        controlPlane.kill();

        server = ServerProcess.startAndWait(null, dir.resolve("empty-data"), ServerFlags.defaults()
                .with("--control-plane", controlPlane.target())
                .with("--node-id", "outage-it"));
        Poll.until(SYNC_DEADLINE, server::log, text -> text.contains("control plane unavailable"));

        assertThat(server.client().query("backend.mesh.", Type.A)).hasRcode(Rcode.SERVFAIL);
        assertThat(server.admin().get("/ready").statusCode()).isEqualTo(503);
    }

    @Test
    void namesAreServedWhileTheControlPlaneIsDown() {
        Map<String, String> vips = awaitAllNames(server.client());

        controlPlane.kill();

        assertServedThroughout(server.client(), vips, OUTAGE);
        assertThat(server.log()).contains("control plane unavailable");
        assertThat(server.admin().get("/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void restartedWhileTheControlPlaneIsDownServesLastKnownGoodThenConvergesWhenItReturns() {
        Map<String, String> vips = awaitAllNames(server.client());
        controlPlane.kill();
        server.stop();

        server = startServer();
        // DNS is up before the last-known-good catalog is restored (answers SERVFAIL until then)
        HttpResponse<String> ready = Poll.until(SYNC_DEADLINE, () -> server.admin().get("/ready"),
                r -> r.statusCode() == 200);

        assertThat(ready.statusCode()).as("/ready: %s", ready.body()).isEqualTo(200);
        assertServedThroughout(server.client(), vips, Duration.ofSeconds(2));
        String log = server.log();
        assertThat(log).contains("restored 3 control-plane entries").contains("control plane unavailable");
        assertThat(log.indexOf("answering from the saved table")).as("the saved table answered before the"
                + " last-known-good file was read (its head's digest matched); log:%n%s", log)
                .isBetween(0, log.indexOf("restored 3 control-plane entries"));

        Catalog.example().withService("returned").writeTo(catalog);
        controlPlane = ControlPlaneProcess.startAndWait(catalog, controlPlane.port(), null);
        DnsClient dns = server.client();

        assertThat(Poll.until(SYNC_DEADLINE.plus(OUTAGE), () -> dns.query("returned.mesh.", Type.A),
                r -> r.getRcode() == Rcode.NOERROR)).hasAnswerCount(1);
        assertServedThroughout(dns, vips, Duration.ofMillis(200));
        assertThat(controlPlane.log()).contains("opened: 3 entries held by the client, 1 responses");
    }
}
