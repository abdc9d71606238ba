package dev.meshdns.it;

import static dev.meshdns.it.support.MessageAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.it.support.Catalog;
import dev.meshdns.it.support.ControlPlaneProcess;
import dev.meshdns.it.support.DnsClient;
import dev.meshdns.it.support.Poll;
import dev.meshdns.it.support.Ports;
import dev.meshdns.it.support.Replies;
import dev.meshdns.it.support.ServerFlags;
import dev.meshdns.it.support.ServerProcess;
import dev.meshdns.it.support.VipWatch;
import dev.meshdns.sync.v1.AllocationsUpdate;
import dev.meshdns.sync.v1.VipAllocation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * mesh-dns fed by the reference control plane alone ({@code serve --control-plane}, no catalog
 * file), over a real Delta ADS stream: the initial sync, single-entry changes made by editing the
 * control plane's catalog file, and the VIPs handed back over {@code VipService/WatchAllocations}
 * (to a watch of the test's own and to the control plane's {@code --vip-watch}). Each test writes
 * the whole catalog and uses its own service names, so the order of the tests does not matter.
 */
class ControlPlaneSyncIT {
    /** Catalog file poll (250 ms) + one delta + a table swap; generous for a loaded CI machine. */
    static final Duration SYNC_DEADLINE = Duration.ofSeconds(10);

    @TempDir
    static Path dir;
    static Path catalog;
    static ControlPlaneProcess controlPlane;
    static ServerProcess server;
    static DnsClient dns;

    @BeforeAll
    static void startControlPlaneAndServer() {
        catalog = dir.resolve("catalog.yaml");
        Catalog.example().writeTo(catalog);
        // Each needs the other's port: mesh-dns is pointed at a free port first and retries until
        // the control plane, told to watch mesh-dns's VIPs, listens there.
        int controlPlanePort = Ports.freeTcpPort();
        server = ServerProcess.startAndWait(null, dir.resolve("data"), ServerFlags.defaults()
                .with("--control-plane", "127.0.0.1:" + controlPlanePort)
                .with("--node-id", "sync-it"));
        controlPlane = ControlPlaneProcess.startAndWait(catalog, controlPlanePort, "127.0.0.1:" + server.grpcPort());
        dns = server.client();
    }

    @AfterAll
    static void stopAll() {
        if (server != null) {
            server.close();
        }
        if (controlPlane != null) {
            controlPlane.close();
        }
    }

    private static Message awaitRcode(String name, int rcode) {
        return Poll.until(SYNC_DEADLINE, () -> dns.query(name, Type.A), r -> r.getRcode() == rcode);
    }

    @Test
    void namesFromTheControlPlaneAreAnsweredWithAllocatedAndPinnedVips() throws Exception {
        Message backend = awaitRcode("backend.mesh.", Rcode.NOERROR);
        Message frontend = awaitRcode("frontend_kong_svc_80.mesh.", Rcode.NOERROR);
        Message httpbin = awaitRcode("httpbin.org.", Rcode.NOERROR);

        assertThat(backend).isAuthoritative();
        assertThat(Replies.isInPool(Replies.vipOf(backend))).as("backend VIP from the pool").isTrue();
        assertThat(Replies.isInPool(Replies.vipOf(frontend))).as("frontend VIP from the pool").isTrue();
        assertThat(Replies.vipOf(backend)).isNotEqualTo(Replies.vipOf(frontend));
        assertThat(httpbin).hasAnswer("httpbin.org. 30 IN A 240.0.0.100");
        assertThat(dns.query("httpbin.mesh.", Type.A)).hasAnswer("httpbin.mesh. 30 IN A 240.0.0.100");
    }

    @Test
    void addedEntryIsAnsweredWithinTheDeadline() {
        Catalog.example().withService("added").writeTo(catalog);

        Message reply = awaitRcode("added.mesh.", Rcode.NOERROR);

        assertThat(reply).isAuthoritative();
        assertThat(reply).hasAnswerCount(1);
    }

    @Test
    void changedHostnameIsAnsweredAndTheOldOneBecomesNxdomainWithTheSameVip() {
        Catalog.example().withService("movable", "240.0.0.77", List.of("old.movable.mesh")).writeTo(catalog);
        assertThat(awaitRcode("old.movable.mesh.", Rcode.NOERROR)).hasAnswer("old.movable.mesh. 30 IN A 240.0.0.77");

        Catalog.example().withService("movable", "240.0.0.77", List.of("new.movable.mesh")).writeTo(catalog);
        Message renamed = awaitRcode("new.movable.mesh.", Rcode.NOERROR);

        assertThat(renamed).hasAnswer("new.movable.mesh. 30 IN A 240.0.0.77");
        assertThat(dns.query("old.movable.mesh.", Type.A)).as("the old hostname").hasRcode(Rcode.NXDOMAIN);
        assertThat(dns.query("movable.mesh.", Type.A)).hasAnswer("movable.mesh. 30 IN A 240.0.0.77");
    }

    @Test
    void changedPinnedVipIsAnsweredWithinTheDeadline() {
        Catalog.example().withService("repinned", "240.0.0.81", List.of()).writeTo(catalog);
        assertThat(awaitRcode("repinned.mesh.", Rcode.NOERROR)).hasAnswer("repinned.mesh. 30 IN A 240.0.0.81");

        Catalog.example().withService("repinned", "240.0.0.82", List.of()).writeTo(catalog);
        Message reply = Poll.until(SYNC_DEADLINE, () -> dns.query("repinned.mesh.", Type.A),
                r -> r.getRcode() == Rcode.NOERROR && Replies.vipOf(r).equals("240.0.0.82"));

        assertThat(reply).hasAnswer("repinned.mesh. 30 IN A 240.0.0.82");
    }

    @Test
    void removedEntryBecomesNxdomainWhileTheOthersAnswer() {
        Catalog.example().withService("removed").writeTo(catalog);
        awaitRcode("removed.mesh.", Rcode.NOERROR);

        Catalog.example().writeTo(catalog);
        Message reply = awaitRcode("removed.mesh.", Rcode.NXDOMAIN);

        assertThat(reply).hasRcode(Rcode.NXDOMAIN);
        assertThat(reply).hasZoneSoaInAuthority();
        assertThat(dns.query("backend.mesh.", Type.A)).hasRcode(Rcode.NOERROR);
    }

    @Test
    void vipWatchGetsTheFullStateWithEveryAllocatedVipThenTheAddedService() throws Exception {
        String backendVip = Replies.vipOf(awaitRcode("backend.mesh.", Rcode.NOERROR));
        String frontendVip = Replies.vipOf(awaitRcode("frontend_kong_svc_80.mesh.", Rcode.NOERROR));

        try (VipWatch watch = VipWatch.open(server.grpcPort(), 0)) {
            AllocationsUpdate full = watch.awaitUpdate(SYNC_DEADLINE, AllocationsUpdate::getFullState);
            assertThat(held(full)).containsEntry("backend", backendVip).containsEntry("frontend_kong_svc_80", frontendVip);
            assertThat(full.getAllocationsList()).allSatisfy(a -> assertThat(a.getZone()).isEqualTo("mesh"));

            Catalog.example().withService("watched").writeTo(catalog);
            AllocationsUpdate added = watch.awaitUpdate(SYNC_DEADLINE, u -> held(u).containsKey("watched"));
            String watchedVip = Replies.vipOf(awaitRcode("watched.mesh.", Rcode.NOERROR));

            assertThat(added.getFullState()).as("an incremental update").isFalse();
            assertThat(added.getRevision()).isGreaterThan(full.getRevision());
            assertThat(held(added)).containsEntry("watched", watchedVip);
        }
    }

    @Test
    void vipWatchResumedFromARevisionGetsOnlyTheChangesAfterIt() {
        awaitRcode("backend.mesh.", Rcode.NOERROR);
        long revision;
        try (VipWatch first = VipWatch.open(server.grpcPort(), 0)) {
            revision = first.awaitUpdate(SYNC_DEADLINE, AllocationsUpdate::getFullState).getRevision();
        }

        Catalog.example().withService("resumed").writeTo(catalog);
        String resumedVip = Replies.vipOf(awaitRcode("resumed.mesh.", Rcode.NOERROR));
        try (VipWatch resumed = VipWatch.open(server.grpcPort(), revision)) {
            AllocationsUpdate update = resumed.awaitUpdate(SYNC_DEADLINE, u -> true);

            assertThat(update.getFullState()).as("first update of a resumed watch is incremental").isFalse();
            assertThat(update.getRevision()).isGreaterThan(revision);
            assertThat(held(update)).containsEntry("resumed", resumedVip).doesNotContainKey("backend");
        }
    }

    @Test
    void referenceControlPlaneLogsTheVipsItWatches() {
        // The control plane's watch began before mesh-dns had synced anything: an empty full state,
        // then the allocations as increments.
        Catalog.example().withService("logged").writeTo(catalog);
        awaitRcode("logged.mesh.", Rcode.NOERROR);

        String log = controlPlane.awaitLog("incremental", SYNC_DEADLINE);

        String from = "VIP allocations from 127\\.0\\.0\\.1:" + server.grpcPort();
        assertThat(log).containsPattern(from + ": full state, [0-9]+ allocations, revision [0-9]+");
        assertThat(log).containsPattern(from + ": incremental, [1-9][0-9]* allocations, revision [1-9][0-9]*");
    }

    private static Map<String, String> held(AllocationsUpdate update) {
        return update.getAllocationsList().stream().filter(a -> !a.getReleased())
                .collect(Collectors.toMap(VipAllocation::getService, VipAllocation::getAddress, (a, b) -> b));
    }
}
