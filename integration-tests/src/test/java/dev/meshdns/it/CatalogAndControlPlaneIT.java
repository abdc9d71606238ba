package dev.meshdns.it;

import static dev.meshdns.it.support.MessageAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.controlplane.MeshDnsControlPlane;
import dev.meshdns.it.support.Catalog;
import dev.meshdns.it.support.DnsClient;
import dev.meshdns.it.support.Poll;
import dev.meshdns.it.support.Replies;
import dev.meshdns.it.support.ServerFlags;
import dev.meshdns.it.support.ServerProcess;
import dev.meshdns.sync.v1.ServiceEntry;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * {@code serve --catalog-file F --control-plane ...}: both sources are answered, and the control
 * plane's definition wins a service both define, until the control plane removes it and the file's
 * comes back. The control plane is embedded in the test JVM. Each test uses its own services.
 */
class CatalogAndControlPlaneIT {
    static final Duration SYNC_DEADLINE = Duration.ofSeconds(10);

    @TempDir
    static Path dir;
    static MeshDnsControlPlane controlPlane;
    static ServerProcess server;
    static DnsClient dns;

    @BeforeAll
    static void startControlPlaneAndServer() throws Exception {
        Path catalog = dir.resolve("catalog.yaml");
        Catalog.empty().withService("fileonly")
                .withService("shared", "240.0.0.91", List.of())
                .withService("returns", "240.0.0.93", List.of())
                .writeTo(catalog);
        controlPlane = MeshDnsControlPlane.start(new InetSocketAddress("127.0.0.1", 0));
        controlPlane.put(pinned("shared", "240.0.0.92"));
        controlPlane.put(pinned("returns", "240.0.0.94"));
        controlPlane.put(ServiceEntry.newBuilder().setService("planeonly").build());
        server = ServerProcess.startAndWait(catalog, dir.resolve("data"), ServerFlags.defaults()
                .with("--control-plane", "127.0.0.1:" + controlPlane.address().getPort())
                .with("--node-id", "both-it"));
        dns = server.client();
        awaitRcode("planeonly.mesh.", Rcode.NOERROR);
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

    private static ServiceEntry pinned(String service, String vip) {
        return ServiceEntry.newBuilder().setService(service).setVip(vip).build();
    }

    private static Message awaitRcode(String name, int rcode) {
        return Poll.until(SYNC_DEADLINE, () -> dns.query(name, Type.A), r -> r.getRcode() == rcode);
    }

    private static Message awaitVip(String name, String vip) {
        return Poll.until(SYNC_DEADLINE, () -> dns.query(name, Type.A),
                r -> r.getRcode() == Rcode.NOERROR && Replies.vipOf(r).equals(vip));
    }

    @Test
    void servicesOfBothSourcesAreAnsweredAndTheControlPlaneWinsASharedOne() {
        assertThat(awaitRcode("fileonly.mesh.", Rcode.NOERROR)).hasAnswerCount(1);
        assertThat(awaitRcode("planeonly.mesh.", Rcode.NOERROR)).hasAnswerCount(1);

        assertThat(awaitVip("shared.mesh.", "240.0.0.92")).hasAnswer("shared.mesh. 30 IN A 240.0.0.92");
        String log = Poll.until(SYNC_DEADLINE, server::log, text -> text.contains("control plane's definition is used"));
        assertThat(log).containsPattern("control plane's definition is used: .*shared");
    }

    @Test
    void fileDefinitionComesBackWhenTheControlPlaneRemovesTheService() {
        awaitVip("returns.mesh.", "240.0.0.94");

        controlPlane.remove("returns");

        assertThat(awaitVip("returns.mesh.", "240.0.0.93")).hasAnswer("returns.mesh. 30 IN A 240.0.0.93");
    }
}
