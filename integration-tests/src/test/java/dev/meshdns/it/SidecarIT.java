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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Sidecar mode with real processes: the reference control plane feeds one allocating mesh-dns (the
 * replica), which serves its entries with their VIPs over Delta ADS on its gRPC port to two
 * followers ({@code --store none}). Followers answer the replica's VIPs, follow every change, and
 * outlive the replica going away, their own restart included. Each test has its own four processes.
 */
class SidecarIT {
    static final Duration SYNC_DEADLINE = Duration.ofSeconds(10);
    /** A replica restarted after this is reconnected to within a few backoff steps (1 s x1.6). */
    static final Duration RESUME_DEADLINE = Duration.ofSeconds(20);
    static final List<String> NAMES = List.of("backend.mesh.", "frontend_kong_svc_80.mesh.",
            "frontend.kong.svc.80.mesh.", "httpbin.mesh.", "httpbin.org.");

    @TempDir
    Path dir;
    Path catalog;
    ControlPlaneProcess controlPlane;
    ServerProcess replica;
    ServerProcess followerA;
    ServerProcess followerB;

    @BeforeEach
    void startTheChain() {
        catalog = dir.resolve("catalog.yaml");
        Catalog.example().writeTo(catalog);
        controlPlane = ControlPlaneProcess.startAndWait(catalog);
        replica = ServerProcess.startAndWait(null, dir.resolve("replica"), ServerFlags.defaults()
                .with("--control-plane", controlPlane.target())
                .with("--node-id", "replica"));
        followerA = startFollower("a");
        followerB = startFollower("b");
    }

    private ServerProcess startFollower(String name) {
        return ServerProcess.startAndWait(null, dir.resolve("follower-" + name), ServerFlags.defaults()
                .with("--store", "none")
                .with("--control-plane", replica.grpcTarget())
                .with("--node-id", "follower-" + name));
    }

    @AfterEach
    void stopAll() {
        Stream.of(followerA, followerB, replica).forEach(ServerProcess::close);
        controlPlane.close();
    }

    /** Waits until every example name answers on {@code server}; returns name -> VIP. */
    private static Map<String, String> awaitAllNames(ServerProcess server) {
        Map<String, String> vips = new LinkedHashMap<>();
        for (String name : NAMES) {
            vips.put(name, Replies.vipOf(awaitRcode(server.client(), name, Rcode.NOERROR)));
        }
        return vips;
    }

    private static Message awaitRcode(DnsClient dns, String name, int rcode) {
        Message reply = Poll.until(SYNC_DEADLINE, () -> dns.query(name, Type.A), r -> r.getRcode() == rcode);
        assertThat(reply).as(name).hasRcode(rcode);
        return reply;
    }

    private static Message awaitVip(DnsClient dns, String name, String vip) {
        return Poll.until(SYNC_DEADLINE, () -> dns.query(name, Type.A),
                r -> r.getRcode() == Rcode.NOERROR && vip.equals(Replies.vipOf(r)));
    }

    private static void assertServedThroughout(Map<String, String> vips, Duration period, ServerProcess... servers) {
        long end = System.nanoTime() + period.toNanos();
        while (System.nanoTime() - end < 0) {
            for (ServerProcess server : servers) {
                vips.forEach((name, vip) -> assertThat(Replies.vipOf(server.client().query(name, Type.A)))
                        .as(name).isEqualTo(vip));
            }
            Poll.pause(20);
        }
    }

    /** /ready's status once it is 200, or the last one (names answer a moment before readiness is set). */
    private static int readiness(ServerProcess server) {
        return Poll.until(SYNC_DEADLINE, () -> server.admin().get("/ready").statusCode(), status -> status == 200);
    }

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void followersAnswerTheReplicasVipsAllocatedAndPinned() {
        Map<String, String> vips = awaitAllNames(replica);

        assertThat(awaitAllNames(followerA)).isEqualTo(vips);
        assertThat(awaitAllNames(followerB)).isEqualTo(vips);
        assertThat(vips.get("httpbin.org.")).as("pinned at the control plane").isEqualTo("240.0.0.100");
        assertThat(vips.get("frontend.kong.svc.80.mesh.")).isEqualTo(vips.get("frontend_kong_svc_80.mesh."));
    }

    @Test
    void followersKeepOnlyTheLastKnownGoodFileInTheirDataDir() throws IOException {
        awaitAllNames(followerA);
        Path data = dir.resolve("follower-a");
        Poll.until(SYNC_DEADLINE, () -> Files.exists(data.resolve("control-plane-catalog.json")), exists -> exists);

        assertThat(files(data)).containsExactly("control-plane-catalog.json");
        assertThat(readiness(followerA)).as("/ready").isEqualTo(200);
    }

    @Test
    void addedChangedAndRemovedServicesReachTheFollowersWithTheReplicasVip() {
        awaitAllNames(followerA);
        Catalog.example().withService("orders").writeTo(catalog);
        String vip = Replies.vipOf(awaitRcode(replica.client(), "orders.mesh.", Rcode.NOERROR));
        assertThat(awaitVip(followerA.client(), "orders.mesh.", vip)).hasRcode(Rcode.NOERROR);
        assertThat(awaitVip(followerB.client(), "orders.mesh.", vip)).hasRcode(Rcode.NOERROR);

        Catalog.example().with("- service: orders\n  hostnames: [orders.shop.example]\n").writeTo(catalog);
        assertThat(awaitVip(followerA.client(), "orders.shop.example.", vip)).as("a new hostname, the same VIP")
                .hasRcode(Rcode.NOERROR);
        assertThat(awaitVip(followerB.client(), "orders.shop.example.", vip)).hasRcode(Rcode.NOERROR);
        assertThat(Replies.vipOf(followerA.client().query("orders.mesh.", Type.A))).isEqualTo(vip);

        Catalog.example().writeTo(catalog);
        awaitRcode(followerA.client(), "orders.mesh.", Rcode.NXDOMAIN);
        awaitRcode(followerB.client(), "orders.shop.example.", Rcode.REFUSED); // outside the zone, no upstream
        awaitRcode(followerB.client(), "orders.mesh.", Rcode.NXDOMAIN);
    }

    @Test
    void followersOutliveTheReplicaTheirOwnRestartIncludedAndResumeWithoutAFullResend() throws IOException {
        Map<String, String> vips = awaitAllNames(replica);
        assertThat(awaitAllNames(followerA)).isEqualTo(vips);
        assertThat(awaitAllNames(followerB)).isEqualTo(vips);
        replica.awaitLog("(node \"follower-b\") opened: 0 entries held by the client, 1 responses", SYNC_DEADLINE);
        Path savedB = dir.resolve("follower-b").resolve("control-plane-catalog.json");
        Poll.until(SYNC_DEADLINE, () -> Files.exists(savedB), exists -> exists);

        replica.kill();
        assertServedThroughout(vips, Duration.ofSeconds(2), followerA, followerB);
        followerB.kill();
        followerB = followerB.restartAndWait();
        assertThat(awaitAllNames(followerB)).as("restarted while the replica is down").isEqualTo(vips);
        assertThat(readiness(followerB)).as("/ready").isEqualTo(200);

        replica = replica.restartAndWait();
        String log = replica.awaitLog("(node \"follower-a\") opened:", RESUME_DEADLINE);
        log = replica.awaitLog("(node \"follower-b\") opened:", RESUME_DEADLINE);
        assertThat(log).contains("(node \"follower-a\") opened: 3 entries held by the client, 0 responses");
        assertThat(log).contains("(node \"follower-b\") opened: 3 entries held by the client, 0 responses");
        assertServedThroughout(vips, Duration.ofSeconds(1), followerA, followerB);

        Catalog.example().withService("orders").writeTo(catalog);
        String vip = Replies.vipOf(awaitRcode(replica.client(), "orders.mesh.", Rcode.NOERROR));
        assertThat(awaitVip(followerA.client(), "orders.mesh.", vip)).hasRcode(Rcode.NOERROR);
        assertThat(awaitVip(followerB.client(), "orders.mesh.", vip)).hasRcode(Rcode.NOERROR);
    }
}
