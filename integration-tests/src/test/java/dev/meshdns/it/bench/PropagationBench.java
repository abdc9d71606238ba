package dev.meshdns.it.bench;

import static dev.meshdns.it.bench.BenchFigures.at;
import static dev.meshdns.it.bench.BenchFigures.loadAverage;
import static dev.meshdns.it.bench.BenchFigures.millis;
import static dev.meshdns.it.bench.BenchFigures.ms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.controlplane.MeshDnsControlPlane;
import dev.meshdns.it.support.DnsClient;
import dev.meshdns.it.support.LauncherFlags;
import dev.meshdns.it.support.Poll;
import dev.meshdns.it.support.ServerFlags;
import dev.meshdns.it.support.ServerProcess;
import dev.meshdns.sync.v1.ServiceEntry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Propagation benchmark (control plane to answered name), not part of the build (failsafe runs only *IT classes): an
 * embedded {@link MeshDnsControlPlane} serving 100,000 entries (mesh-dns allocates their VIPs) to a
 * mesh-dns started as a separate process, fed by the control plane alone. Measures (1) the full
 * initial sync: from launching mesh-dns until /ready is 200 and a sample of 1,000 names (the first
 * and last included) answers NOERROR; (2) 200 single-entry changes on the control plane, in turn
 * adding a service, giving an existing one a new hostname and removing one, each timed until
 * mesh-dns answers the change (UDP queries about every millisecond), after 30 such changes not
 * measured (JIT warm-up). mesh-dns runs with the launcher's JVM options unless {@code -Dbench.jvm}.
 * With {@code -Dbench.follower=true} a follower ({@code --store none}) follows that mesh-dns over its
 * gRPC port and the changes are timed until the follower answers them (control plane -> replica ->
 * follower); the follower's live heap (after a GC) and RSS are reported too.
 * Prints the results and writes them to {@code target/propagation-bench.txt}. Run with:
 * <pre>
 * mvn -o verify -pl integration-tests -am -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dit.test=PropagationBench -Dfailsafe.failIfNoSpecifiedTests=false
 * </pre>
 * Numbers depend on the machine and its load; the report includes {@code uptime}'s load average.
 */
class PropagationBench {
    static final int ENTRIES = Integer.getInteger("bench.entries", 100_000);
    static final int CHANGES = Integer.getInteger("bench.changes", 200);
    static final int SAMPLE = 1_000;
    static final int WARM_UP = Integer.getInteger("bench.warmup", 30);
    /** The mesh-dns JVM's options: by default the launcher's ({@code mesh-dns}), with a GC log beside the report. */
    static final List<String> JVM_OPTIONS = List.of(System.getProperty("bench.jvm",
            String.join(" ", LauncherFlags.defaults()) + " -Xlog:gc:file=target/propagation-bench-gc.log").split(" "));
    static final boolean FOLLOWER = Boolean.getBoolean("bench.follower");
    static final Duration SYNC_DEADLINE = Duration.ofMinutes(5);
    static final Duration CHANGE_DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void propagationOfSingleChangesOnALargeCatalog() throws Exception {
        List<ServiceEntry> entries = new ArrayList<>(ENTRIES);
        for (int i = 0; i < ENTRIES; i++) {
            entries.add(ServiceEntry.newBuilder().setService(service(i)).addPorts(80).build());
        }
        StringBuilder report = new StringBuilder("PropagationBench: " + ENTRIES + " entries, " + CHANGES
                + " changes, " + Runtime.getRuntime().availableProcessors() + " CPUs, load before: " + loadAverage() + "\n");
        try (MeshDnsControlPlane controlPlane = MeshDnsControlPlane.start(new InetSocketAddress("127.0.0.1", 0))) {
            controlPlane.replaceAll(entries);
            long launched = System.nanoTime();
            try (ServerProcess server = ServerProcess.start(null, dir.resolve("data"), ServerFlags.defaults()
                            .with("--control-plane", "127.0.0.1:" + controlPlane.address().getPort())
                            .with("--node-id", "bench"),
                    JVM_OPTIONS)) {
                server.waitUntilAnswering();
                long answering = System.nanoTime();
                awaitFullSync(server);
                long synced = System.nanoTime();
                report.append(String.format("initial sync: %d ms from launch until /ready and every sampled name"
                        + " answers (JVM up and answering after %d ms, so %d ms for the sync itself)%n",
                        millis(synced - launched), millis(answering - launched), millis(synced - answering)));

                if (FOLLOWER) {
                    try (ServerProcess follower = ServerProcess.start(null, dir.resolve("follower"), ServerFlags.defaults()
                            .with("--store", "none")
                            .with("--control-plane", server.grpcTarget())
                            .with("--node-id", "bench-follower"), followerJvmOptions())) {
                        long started = System.nanoTime();
                        follower.waitUntilAnswering();
                        awaitFullSync(follower);
                        report.append(String.format("follower initial sync: %d ms from launch%n",
                                millis(System.nanoTime() - started)));
                        report.append("follower after the initial sync: ").append(memory(follower)).append('\n');
                        measureChanges(controlPlane, follower.client(), report);
                        report.append("follower after the changes: ").append(memory(follower)).append('\n');
                        report.append("follower log: ").append(follower.logFile()).append('\n');
                        follower.stop();
                    }
                } else {
                    measureChanges(controlPlane, server.client(), report);
                }
                report.append("load after: ").append(loadAverage()).append('\n');
                report.append("mesh-dns log: ").append(server.logFile()).append('\n');
                server.stop(); // SIGTERM: a JFR recording in -Dbench.jvm is written on the way out
            }
        }
        System.out.print(report);
        Files.writeString(Path.of("target", "propagation-bench.txt"), report, StandardCharsets.UTF_8);
    }

    private static void measureChanges(MeshDnsControlPlane controlPlane, DnsClient dns, StringBuilder report) {
        for (int i = 0; i < WARM_UP; i++) {
            change(controlPlane, dns, CHANGES + i); // not measured: JIT warm-up
        }
        long[] nanos = new long[CHANGES];
        long[][] byKind = new long[3][(CHANGES + 2) / 3];
        for (int i = 0; i < CHANGES; i++) {
            long start = System.nanoTime();
            nanos[i] = change(controlPlane, dns, i) - start;
            byKind[i % 3][i / 3] = nanos[i];
        }
        report.append("all kinds: ").append(percentiles(nanos));
        for (int kind = 0; kind < 3; kind++) {
            long[] of = Arrays.copyOf(byKind[kind], (CHANGES - kind + 2) / 3);
            report.append(KINDS[kind]).append(": ").append(percentiles(of));
        }
    }

    private static List<String> followerJvmOptions() {
        return JVM_OPTIONS.stream().map(option -> option.replace("propagation-bench-gc.log", "propagation-bench-follower-gc.log"))
                .toList();
    }

    /** Live heap after a full GC (jcmd GC.run, then GC.heap_info) and the RSS from /proc. */
    private static String memory(ServerProcess server) throws IOException, InterruptedException {
        jcmd(server.pid(), "GC.run");
        String heap = jcmd(server.pid(), "GC.heap_info").lines()
                .filter(line -> line.contains("generation") || line.contains("region") || line.startsWith(" Metaspace"))
                .map(line -> line.trim().replaceAll(" \\[0x.*", "")).reduce((a, b) -> a + "; " + b).orElse("?");
        String top = jcmd(server.pid(), "GC.class_histogram").lines().skip(3).limit(12)
                .map(String::trim).reduce((a, b) -> a + "\n    " + b).orElse("?");
        String rss = Files.readAllLines(Path.of("/proc/" + server.pid() + "/status")).stream()
                .filter(line -> line.startsWith("VmRSS")).findFirst().orElse("VmRSS ?");
        return rss.replaceAll("\\s+", " ") + ", heap after GC.run: " + heap + "\n  largest classes (instances, bytes):\n    " + top;
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(30, TimeUnit.SECONDS);
        return out;
    }

    private static final String[] KINDS = {"add a service", "change a service's hostname", "remove a service"};

    /**
     * Change {@code i}, by {@code i % 3}: add a new service (until its name answers), give an
     * existing service a new hostname (until the hostname answers), remove an existing service
     * (until its name is NXDOMAIN). Returns System.nanoTime() at the answer that shows it.
     */
    private static long change(MeshDnsControlPlane controlPlane, DnsClient dns, int i) {
        String existing = service(ENTRIES - 1 - i);
        switch (i % 3) {
            case 0 -> {
                controlPlane.put(ServiceEntry.newBuilder().setService("added-" + i).addPorts(80).build());
                return awaitRcode(dns, "added-" + i + ".mesh.", Rcode.NOERROR);
            }
            case 1 -> {
                String hostname = "changed-" + i + ".shop.example";
                controlPlane.put(ServiceEntry.newBuilder().setService(existing).addHostnames(hostname)
                        .addPorts(80).build());
                return awaitRcode(dns, hostname + ".", Rcode.NOERROR);
            }
            default -> {
                controlPlane.remove(existing);
                return awaitRcode(dns, existing + ".mesh.", Rcode.NXDOMAIN);
            }
        }
    }

    private static String service(int i) {
        return String.format("svc-%06d", i);
    }

    private static void awaitFullSync(ServerProcess server) {
        assertThat(Poll.until(SYNC_DEADLINE, () -> server.admin().get("/ready").statusCode(), status -> status == 200))
                .as("/ready").isEqualTo(200);
        Random random = new Random(4);
        List<Integer> sample = new ArrayList<>(List.of(0, ENTRIES - 1));
        while (sample.size() < SAMPLE) {
            sample.add(random.nextInt(ENTRIES));
        }
        DnsClient dns = server.client();
        for (int i : sample) {
            Message reply = Poll.until(SYNC_DEADLINE, () -> dns.query(service(i) + ".mesh.", Type.A),
                    r -> r.getRcode() == Rcode.NOERROR);
            assertThat(reply.getRcode()).as(service(i)).isEqualTo(Rcode.NOERROR);
        }
    }

    /** Queries about every millisecond until the rcode; returns System.nanoTime() at that reply. */
    private static long awaitRcode(DnsClient dns, String name, int rcode) {
        long end = System.nanoTime() + CHANGE_DEADLINE.toNanos();
        while (System.nanoTime() - end < 0) {
            if (dns.query(name, Type.A).getRcode() == rcode) {
                return System.nanoTime();
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        throw new AssertionError(name + " not " + Rcode.string(rcode) + " within " + CHANGE_DEADLINE);
    }

    private static String percentiles(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return String.format("single-entry change until answered, %d changes: p50 %.1f ms, p90 %.1f ms,"
                        + " p99 %.1f ms, max %.1f ms, min %.1f ms%n", sorted.length,
                ms(at(sorted, 0.50)), ms(at(sorted, 0.90)), ms(at(sorted, 0.99)), ms(sorted[sorted.length - 1]),
                ms(sorted[0]));
    }
}
