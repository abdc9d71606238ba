package dev.meshdns.it.bench;

import static dev.meshdns.it.bench.BenchFigures.at;
import static dev.meshdns.it.bench.BenchFigures.loadAverage;
import static dev.meshdns.it.bench.BenchFigures.millis;
import static dev.meshdns.it.bench.BenchFigures.ms;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.controlplane.MeshDnsControlPlane;
import dev.meshdns.it.support.LauncherFlags;
import dev.meshdns.it.support.Poll;
import dev.meshdns.it.support.ServerFlags;
import dev.meshdns.it.support.ServerProcess;
import dev.meshdns.sync.v1.ServiceEntry;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fan-out benchmark, not part of the build (failsafe runs only *IT classes): one replica (a mesh-dns
 * process fed by an embedded {@link MeshDnsControlPlane} with {@code bench.entries} services, 1,000 by
 * default) serving {@code bench.clients} (1,000) followers, here lightweight Delta ADS streams of this
 * JVM ({@code bench.channels} channels, 10, the streams spread over them; each ACKs every response and
 * keeps only counts). After every stream has its initial response, a burst of {@code bench.changes}
 * (100) services is added at the control plane in a tight loop; measured: the time until every
 * stream has every added service with a VIP, the replica's CPU seconds (utime+stime from
 * /proc/PID/stat) and its RSS (sampled every 10 ms, and VmHWM) during the burst and for the initial
 * fan-out. The clients and the control plane share the machine's CPUs with the replica; the report
 * gives this JVM's CPU too. Prints the results and writes them to {@code target/fan-out-bench.txt}:
 * <pre>
 * mvn -o verify -pl integration-tests -am -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dit.test=FanOutBench -Dfailsafe.failIfNoSpecifiedTests=false
 * </pre>
 */
class FanOutBench {
    static final int ENTRIES = Integer.getInteger("bench.entries", 1_000);
    static final int CLIENTS = Integer.getInteger("bench.clients", 1_000);
    static final int CHANNELS = Integer.getInteger("bench.channels", 10);
    static final int CHANGES = Integer.getInteger("bench.changes", 100);
    static final List<String> JVM_OPTIONS = List.of(System.getProperty("bench.jvm",
            String.join(" ", LauncherFlags.defaults()) + " -Xlog:gc:file=target/fan-out-bench-gc.log").split(" "));
    static final String TYPE_URL = "type.googleapis.com/meshdns.v1.ServiceEntry";
    static final Duration DEADLINE = Duration.ofMinutes(3);
    /** USER_HZ: the unit of utime and stime in /proc/PID/stat on Linux. */
    static final double TICKS_PER_SECOND = 100.0;

    @TempDir
    Path dir;

    /** One follower's stream: ACKs every response, counts entries and the burst's services with a VIP. */
    static final class Follower implements StreamObserver<DeltaDiscoveryResponse> {
        final AtomicInteger entries = new AtomicInteger();
        final Set<String> burstWithVip = ConcurrentHashMap.newKeySet();
        final AtomicLong completedAt = new AtomicLong();
        final AtomicBoolean failed = new AtomicBoolean();
        StreamObserver<DeltaDiscoveryRequest> requests;

        void open(ManagedChannel channel, String nodeId) {
            requests = AggregatedDiscoveryServiceGrpc.newStub(channel).deltaAggregatedResources(this);
            requests.onNext(DeltaDiscoveryRequest.newBuilder().setNode(Node.newBuilder().setId(nodeId))
                    .setTypeUrl(TYPE_URL).addResourceNamesSubscribe("*").build());
        }

        @Override
        public void onNext(DeltaDiscoveryResponse response) {
            for (Resource resource : response.getResourcesList()) {
                entries.incrementAndGet();
                if (resource.getName().startsWith("burst-")) {
                    try {
                        if (!resource.getResource().unpack(ServiceEntry.class).getVip().isEmpty()
                                && burstWithVip.add(resource.getName()) && burstWithVip.size() == CHANGES) {
                            completedAt.set(System.nanoTime());
                        }
                    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                        failed.set(true);
                    }
                }
            }
            synchronized (this) { // responses of one stream arrive in order; onNext of a StreamObserver is not thread-safe
                requests.onNext(DeltaDiscoveryRequest.newBuilder().setTypeUrl(TYPE_URL)
                        .setResponseNonce(response.getNonce()).build());
            }
        }

        @Override
        public void onError(Throwable t) {
            failed.set(true);
        }

        @Override
        public void onCompleted() {
            failed.set(true);
        }
    }

    @Test
    void aReplicaServingManyFollowersThroughABurstOfChanges() throws Exception {
        List<ServiceEntry> entries = new ArrayList<>(ENTRIES);
        for (int i = 0; i < ENTRIES; i++) {
            entries.add(ServiceEntry.newBuilder().setService(String.format("svc-%06d", i)).addPorts(80).build());
        }
        StringBuilder report = new StringBuilder(String.format("FanOutBench: %d entries, %d followers on %d channels,"
                + " a burst of %d added services, %d CPUs, load before: %s%n", ENTRIES, CLIENTS, CHANNELS, CHANGES,
                Runtime.getRuntime().availableProcessors(), loadAverage()));
        List<ManagedChannel> channels = new ArrayList<>();
        try (MeshDnsControlPlane controlPlane = MeshDnsControlPlane.start(new InetSocketAddress("127.0.0.1", 0))) {
            controlPlane.replaceAll(entries);
            try (ServerProcess replica = ServerProcess.start(null, dir.resolve("replica"), ServerFlags.defaults()
                    .with("--control-plane", "127.0.0.1:" + controlPlane.address().getPort())
                    .with("--node-id", "bench-replica"), JVM_OPTIONS)) {
                replica.waitUntilAnswering();
                assertThat(Poll.until(DEADLINE, () -> replica.admin().get("/ready").statusCode(), s -> s == 200))
                        .as("replica /ready").isEqualTo(200);
                replica.awaitName("svc-" + String.format("%06d", ENTRIES - 1) + ".mesh.");
                report.append("replica synced: ").append(usage(replica.pid())).append('\n');

                for (int i = 0; i < CHANNELS; i++) {
                    channels.add(Grpc.newChannelBuilderForAddress("127.0.0.1", replica.grpcPort(),
                            InsecureChannelCredentials.create()).maxInboundMessageSize(256 << 20).build());
                }
                double cpuBefore = cpuSeconds(replica.pid());
                double ownBefore = cpuSeconds(ProcessHandle.current().pid());
                long opening = System.nanoTime();
                List<Follower> followers = new ArrayList<>(CLIENTS);
                for (int i = 0; i < CLIENTS; i++) {
                    Follower follower = new Follower();
                    follower.open(channels.get(i % CHANNELS), "bench-follower-" + i);
                    followers.add(follower);
                }
                awaitAll(followers, f -> f.entries.get() >= ENTRIES, "its initial entries");
                long synced = System.nanoTime();
                report.append(String.format("initial fan-out: every follower had its %d entries %d ms after the first"
                                + " stream opened; replica CPU %.2f s (this JVM: %.2f s); replica after it: %s%n",
                        ENTRIES, millis(synced - opening), cpuSeconds(replica.pid()) - cpuBefore,
                        cpuSeconds(ProcessHandle.current().pid()) - ownBefore, usage(replica.pid())));

                RssSampler sampler = new RssSampler(replica.pid());
                Thread sampling = new Thread(sampler, "rss-sampler");
                sampling.setDaemon(true);
                cpuBefore = cpuSeconds(replica.pid());
                ownBefore = cpuSeconds(ProcessHandle.current().pid());
                long rssBefore = rssKb(replica.pid());
                sampling.start();
                long start = System.nanoTime();
                for (int i = 0; i < CHANGES; i++) {
                    controlPlane.put(ServiceEntry.newBuilder().setService(String.format("burst-%03d", i)).addPorts(80).build());
                }
                long burstPut = System.nanoTime();
                awaitAll(followers, f -> f.burstWithVip.size() == CHANGES, "every service of the burst with a VIP");
                long done = System.nanoTime();
                double cpu = cpuSeconds(replica.pid()) - cpuBefore;
                double own = cpuSeconds(ProcessHandle.current().pid()) - ownBefore;
                sampler.stop();
                sampling.join(1000);
                long[] completion = followers.stream().mapToLong(f -> f.completedAt.get() - start).sorted().toArray();
                report.append(String.format("burst: %d puts in %.1f ms; every follower had all %d services %d ms after"
                                + " the first put (per follower: p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, first %.0f ms)%n",
                        CHANGES, (burstPut - start) / 1e6, CHANGES, millis(done - start), ms(at(completion, 0.50)),
                        ms(at(completion, 0.90)), ms(at(completion, 0.99)), ms(completion[0])));
                report.append(String.format("replica during the burst: CPU %.2f s (user+system) in %.2f s wall"
                                + " (%.0f%% of one CPU); RSS %d MB before, peak %d MB (sampled every 10 ms), %s after;"
                                + " this JVM (control plane and the %d clients): CPU %.2f s%n",
                        cpu, (done - start) / 1e9, 100 * cpu / ((done - start) / 1e9), rssBefore / 1024,
                        sampler.peakKb.get() / 1024, usage(replica.pid()), CLIENTS, own));
                assertThat(followers).noneMatch(f -> f.failed.get());
                report.append("load after: ").append(loadAverage()).append('\n');
                report.append("replica log: ").append(replica.logFile()).append('\n');
                followers.forEach(f -> {
                    synchronized (f) {
                        f.requests.onCompleted();
                    }
                });
                replica.stop();
            } finally {
                for (ManagedChannel channel : channels) {
                    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
                }
            }
        }
        System.out.print(report);
        Files.writeString(Path.of("target", "fan-out-bench.txt"), report, StandardCharsets.UTF_8);
    }

    private static void awaitAll(List<Follower> followers, java.util.function.Predicate<Follower> done, String what) {
        long count = Poll.until(DEADLINE, () -> followers.stream().filter(done).count(), n -> n == followers.size());
        assertThat(count).as("followers with " + what + " within " + DEADLINE).isEqualTo(followers.size());
    }

    /** Samples VmRSS every 10 ms and keeps the largest. */
    static final class RssSampler implements Runnable {
        final long pid;
        final AtomicLong peakKb = new AtomicLong();
        volatile boolean running = true;

        RssSampler(long pid) {
            this.pid = pid;
        }

        void stop() {
            running = false;
        }

        @Override
        public void run() {
            while (running) {
                try {
                    peakKb.accumulateAndGet(rssKb(pid), Math::max);
                } catch (IOException e) {
                    return;
                }
                Poll.pause(10);
            }
        }
    }

    /** utime + stime of a process, in seconds. */
    static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // After "pid (comm) ": state is field 3, so utime (14) and stime (15) are at 11 and 12 here.
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    }

    static long rssKb(long pid) throws IOException {
        return statusKb(pid, "VmRSS:");
    }

    static long statusKb(long pid, String field) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith(field))
                .map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(-1L);
    }

    private static String usage(long pid) throws IOException {
        return String.format("CPU %.2f s since start, RSS %d MB (VmHWM %d MB)", cpuSeconds(pid), rssKb(pid) / 1024,
                statusKb(pid, "VmHWM:") / 1024);
    }
}
