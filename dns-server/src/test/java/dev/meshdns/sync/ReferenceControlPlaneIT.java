package dev.meshdns.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.config.ControlPlaneConfig;
import dev.meshdns.controlplane.MeshDnsControlPlane;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against the project's reference control plane, on real gRPC. */
class ReferenceControlPlaneIT {
    @TempDir
    Path dataDir;

    private final BlockingQueue<List<ServiceEntry>> delivered = new LinkedBlockingQueue<>();
    private MeshDnsControlPlane plane;
    private ControlPlaneClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (plane != null) {
            plane.close();
        }
    }

    private static dev.meshdns.sync.v1.ServiceEntry entry(String service, String hostname) {
        return dev.meshdns.sync.v1.ServiceEntry.newBuilder().setService(service).addHostnames(hostname).build();
    }

    private List<String> next() throws InterruptedException {
        List<ServiceEntry> entries = delivered.poll(10, TimeUnit.SECONDS);
        assertThat(entries).as("entries delivered within 10 s").isNotNull();
        return entries.stream().map(e -> e.service() + "=" + e.hostnames()).toList();
    }

    @Test
    void syncsPutAndRemoveAndResumesAfterAControlPlaneRestartWithoutAFullResend() throws Exception {
        plane = MeshDnsControlPlane.start(new InetSocketAddress("127.0.0.1", 0));
        plane.put(entry("web", "web.example"));
        int port = plane.address().getPort();
        client = ControlPlaneClient.start(new ControlPlaneConfig("127.0.0.1:" + port, "dns-test", null, null, null),
                dataDir, delivered::add);
        assertThat(next()).containsExactly("web=[web.example]");

        plane.put(entry("api", "api.example"));
        assertThat(next()).containsExactly("web=[web.example]", "api=[api.example]");
        plane.remove("web");
        assertThat(next()).containsExactly("api=[api.example]");

        plane.close();
        plane = MeshDnsControlPlane.start(new InetSocketAddress("127.0.0.1", port));
        plane.put(entry("api", "api.example")); // the same entry again: the same version
        plane.put(entry("db", "db.example"));

        assertThat(next()).containsExactly("api=[api.example]", "db=[db.example]");
        assertThat(delivered.poll(1500, TimeUnit.MILLISECONDS)).as("nothing else resent").isNull();
    }
}
