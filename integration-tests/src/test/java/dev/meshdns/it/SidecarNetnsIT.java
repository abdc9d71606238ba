package dev.meshdns.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.it.support.Catalog;
import dev.meshdns.it.support.ControlPlaneProcess;
import dev.meshdns.it.support.KnotUpstream;
import dev.meshdns.it.support.NetNamespace;
import dev.meshdns.it.support.ServerFlags;
import dev.meshdns.it.support.ServerProcess;
import dev.meshdns.it.support.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pod's view of sidecar mode: glibc in a private network namespace (only {@code lo}), whose
 * resolv.conf is a pod's with {@code dnsPolicy: None} (nameserver 127.0.0.1, the Kubernetes search
 * list, {@code ndots:5}), resolves through the follower on 127.0.0.1:53 a {@code .mesh} name (the
 * replica's VIP) and a name of the cluster zone upstream (Knot serving {@code cluster.local.}), both
 * short names expanded by the search list. Everything runs inside the namespace: Knot, the reference
 * control plane, the replica and the follower ({@code --store none}); the test sees them only
 * through {@code ip netns exec NAME getent hosts ...}. Needs root (CAP_SYS_ADMIN) and iproute2.
 */
class SidecarNetnsIT {
    static final String RESOLV_CONF = """
            nameserver 127.0.0.1
            search default.svc.cluster.local svc.cluster.local cluster.local
            options ndots:5
            """;
    static final String CLUSTER_ZONE = """
            $ORIGIN cluster.local.
            $TTL 30
            @ SOA ns hostmaster 1 3600 600 86400 30
            @ NS ns
            ns A 127.0.0.1
            kubernetes.default.svc A 10.96.0.1
            kube-dns.kube-system.svc A 10.96.0.10
            """;
    static final int KNOT_PORT = 5300;
    static final int CONTROL_PLANE_PORT = 18000;
    /** JVM starts (three of them on two shared cores), the catalog down the chain, and a margin. */
    static final Duration CHAIN_DEADLINE = ServerProcess.START_DEADLINE.plusSeconds(30);

    @TempDir
    static Path dir;
    static NetNamespace namespace;
    static ControlPlaneProcess controlPlane;
    static ServerProcess replica;
    static ServerProcess follower;
    /** What @AfterAll closes, last started first. */
    static final Deque<AutoCloseable> started = new ArrayDeque<>();

    @BeforeAll
    static void startThePod() {
        namespace = NetNamespace.create("meshdns-it-" + ProcessHandle.current().pid(), RESOLV_CONF);
        started.push(namespace);
        var prefix = namespace.prefix();
        started.push(KnotUpstream.start(dir.resolve("knot"), Map.of("cluster.local.", CLUSTER_ZONE),
                "127.0.0.1", KNOT_PORT, prefix));
        Path catalog = dir.resolve("catalog.yaml");
        Catalog.example().writeTo(catalog);
        controlPlane = ControlPlaneProcess.startWithPrefix(prefix, catalog, CONTROL_PLANE_PORT);
        started.push(controlPlane);
        replica = ServerProcess.startWithPrefix(prefix, 5653, null, dir.resolve("replica"), ServerFlags.defaults()
                .with("--control-plane", "127.0.0.1:" + CONTROL_PLANE_PORT)
                .with("--node-id", "replica"));
        started.push(replica);
        follower = ServerProcess.startWithPrefix(prefix, 53, null, dir.resolve("follower"), ServerFlags.defaults()
                .with("--store", "none")
                .with("--control-plane", replica.grpcTarget())
                .with("--upstream", "127.0.0.1:" + KNOT_PORT)
                .with("--node-id", "follower"));
        started.push(follower);
    }

    @AfterAll
    static void removeThePod() {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception | AssertionError e) {
                System.err.println("SidecarNetnsIT cleanup: " + e);
            }
        }
    }

    /**
     * Polls {@code getent hosts NAME} inside the namespace until {@code done} holds; fails at once with
     * the logs if a JVM of the chain has exited.
     */
    private static NetNamespace.Result awaitGetent(String name, Predicate<NetNamespace.Result> done) {
        NetNamespace.Result result = Poll.until(CHAIN_DEADLINE, () -> {
            if (!controlPlane.isAlive() || !replica.isAlive() || !follower.isAlive()) {
                throw new IllegalStateException("a JVM of the chain exited");
            }
            return namespace.exec("getent", "hosts", name);
        }, done.or(r -> !controlPlane.isAlive() || !replica.isAlive() || !follower.isAlive()));
        if (!controlPlane.isAlive() || !replica.isAlive() || !follower.isAlive()) {
            throw new AssertionError("a JVM of the chain exited; control plane:\n" + controlPlane.log()
                    + "\nreplica:\n" + replica.log() + "\nfollower:\n" + follower.log());
        }
        return result;
    }

    private static NetNamespace.Result awaitResolved(String name) {
        NetNamespace.Result result = awaitGetent(name, r -> r.exitCode() == 0);
        assertThat(result.exitCode()).as("getent hosts " + name + " (follower log:\n" + follower.log() + ")")
                .isZero();
        return result;
    }

    /** The address of the first line of {@code getent hosts} output. */
    private static String address(NetNamespace.Result result) {
        return result.output().strip().split("\\s+")[0];
    }

    @Test
    void aShortNameOfTheClusterZoneResolvesThroughTheSearchListAndTheUpstream() {
        NetNamespace.Result kubernetes = awaitResolved("kubernetes.default");

        assertThat(kubernetes.output().strip()).matches("10\\.96\\.0\\.1\\s+kubernetes\\.default\\.svc\\.cluster\\.local");
        assertThat(address(awaitResolved("kube-dns.kube-system"))).isEqualTo("10.96.0.10");
    }

    @Test
    void meshNamesResolveToTheReplicasVipsDespiteNdots5() {
        String kong = address(awaitResolved("frontend.kong.svc.80.mesh"));
        String backend = address(awaitResolved("backend.mesh"));

        assertThat(kong).matches("2(4[0-9]|5[0-5])\\.\\d+\\.\\d+\\.\\d+"); // 240.0.0.0/4
        assertThat(address(awaitResolved("frontend_kong_svc_80.mesh"))).isEqualTo(kong);
        assertThat(backend).matches("2(4[0-9]|5[0-5])\\.\\d+\\.\\d+\\.\\d+").isNotEqualTo(kong);
        assertThat(address(awaitResolved("httpbin.org"))).as("pinned at the control plane").isEqualTo("240.0.0.100");
    }

    @Test
    void aNameThatExistsNowhereFailsAfterTheWholeSearchList() {
        awaitResolved("backend.mesh"); // the chain is up

        NetNamespace.Result missing = namespace.exec("getent", "hosts", "nosuch.default");

        assertThat(missing.exitCode()).as(missing.output()).isEqualTo(2); // "key not found"
    }
}
