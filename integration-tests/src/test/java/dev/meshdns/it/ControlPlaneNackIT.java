package dev.meshdns.it;

import static dev.meshdns.it.support.MessageAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.controlplane.MeshDnsControlPlane;
import dev.meshdns.it.support.DnsClient;
import dev.meshdns.it.support.LogCapture;
import dev.meshdns.it.support.Poll;
import dev.meshdns.it.support.Replies;
import dev.meshdns.it.support.ServerFlags;
import dev.meshdns.it.support.ServerProcess;
import dev.meshdns.sync.v1.ServiceEntry;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Invalid entries from the control plane: mesh-dns NACKs the response (the embedded
 * {@link MeshDnsControlPlane} logs the rejection with mesh-dns's error_detail), keeps the last good
 * state of what it rejected, and goes on answering and applying good entries. The control plane is
 * embedded in the test JVM because entries that the catalog file reader would already skip can
 * only be put through the library. Each test uses its own service names.
 */
class ControlPlaneNackIT {
    static final Duration SYNC_DEADLINE = Duration.ofSeconds(10);

    @TempDir
    static Path dir;
    static MeshDnsControlPlane controlPlane;
    static LogCapture controlPlaneLog;
    static ServerProcess server;
    static DnsClient dns;

    @BeforeAll
    static void startControlPlaneAndServer() throws Exception {
        controlPlaneLog = LogCapture.of("dev.meshdns.controlplane");
        controlPlane = MeshDnsControlPlane.start(new InetSocketAddress("127.0.0.1", 0));
        controlPlane.put(entry("steady", ""));
        server = ServerProcess.startAndWait(null, dir.resolve("data"), ServerFlags.defaults()
                .with("--control-plane", "127.0.0.1:" + controlPlane.address().getPort())
                .with("--node-id", "nack-it"));
        dns = server.client();
        awaitRcode("steady.mesh.", Rcode.NOERROR);
    }

    @AfterAll
    static void stopAll() {
        if (server != null) {
            server.close();
        }
        if (controlPlane != null) {
            controlPlane.close();
        }
        if (controlPlaneLog != null) {
            controlPlaneLog.close();
        }
    }

    private static ServiceEntry entry(String service, String vip) {
        return ServiceEntry.newBuilder().setService(service).setVip(vip).build();
    }

    private static Message awaitRcode(String name, int rcode) {
        return Poll.until(SYNC_DEADLINE, () -> dns.query(name, Type.A), r -> r.getRcode() == rcode);
    }

    @Test
    void serviceNameWithASpaceIsNackedWhileGoodEntriesKeepAnswering() {
        controlPlane.put(ServiceEntry.newBuilder().setService("Bad Name").build());

        String nack = controlPlaneLog.awaitLine(SYNC_DEADLINE, "WARN", "rejected response", "(NACK)", "Bad Name");
        controlPlane.put(entry("afterbadname", ""));

        assertThat(nack).contains("INVALID_ARGUMENT");
        assertThat(awaitRcode("afterbadname.mesh.", Rcode.NOERROR)).as("a good entry after the NACK").hasAnswerCount(1);
        assertThat(dns.query("steady.mesh.", Type.A)).hasRcode(Rcode.NOERROR);
        assertThat(server.log()).contains("invalid entries").contains("Bad Name");
    }

    @Test
    void vipThatIsNotAnAddressIsNackedAndTheEntryIsNotAnswered() {
        controlPlane.put(entry("badvip", "nope"));

        String nack = controlPlaneLog.awaitLine(SYNC_DEADLINE, "rejected response", "badvip");
        controlPlane.put(entry("afterbadvip", ""));

        assertThat(nack).contains("nope");
        assertThat(awaitRcode("afterbadvip.mesh.", Rcode.NOERROR)).hasAnswerCount(1);
        assertThat(dns.query("badvip.mesh.", Type.A)).as("the rejected entry").hasRcode(Rcode.NXDOMAIN);
    }

    @Test
    void invalidChangeOfAServiceKeepsItsLastGoodVip() {
        controlPlane.put(entry("keepsvip", "240.0.0.61"));
        assertThat(awaitRcode("keepsvip.mesh.", Rcode.NOERROR)).hasAnswer("keepsvip.mesh. 30 IN A 240.0.0.61");

        controlPlane.put(entry("keepsvip", "nope"));
        controlPlaneLog.awaitLine(SYNC_DEADLINE, "rejected response", "keepsvip");
        controlPlane.put(entry("afterkeepsvip", ""));
        awaitRcode("afterkeepsvip.mesh.", Rcode.NOERROR);

        assertThat(dns.query("keepsvip.mesh.", Type.A)).hasAnswer("keepsvip.mesh. 30 IN A 240.0.0.61");
    }

    @Test
    void rejectedEntryIsAppliedOnceTheControlPlaneFixesIt() {
        controlPlane.put(entry("fixedlater", "999.0.0.1"));
        controlPlaneLog.awaitLine(SYNC_DEADLINE, "rejected response", "fixedlater");

        controlPlane.put(entry("fixedlater", "240.0.0.62"));

        Message reply = awaitRcode("fixedlater.mesh.", Rcode.NOERROR);
        assertThat(reply).hasAnswer("fixedlater.mesh. 30 IN A 240.0.0.62");
        assertThat(Replies.vipOf(dns.query("steady.mesh.", Type.A))).isNotEmpty();
    }
}
