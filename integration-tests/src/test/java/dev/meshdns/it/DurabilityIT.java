package dev.meshdns.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.it.support.Catalog;
import dev.meshdns.it.support.DnsClient;
import dev.meshdns.it.support.Poll;
import dev.meshdns.it.support.Replies;
import dev.meshdns.it.support.ServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The core promise: a VIP, once answered, never changes: not across a restart, not across removal
 * and re-adding of the entry, not across a {@code kill -9} at any moment.
 */
class DurabilityIT {
    private static final int CRASH_ITERATIONS = 5;
    private static final int BATCH = 10;

    @TempDir
    Path dir;

    private Path catalog() {
        return dir.resolve("catalog.yaml");
    }

    private Path dataDir() {
        return dir.resolve("data");
    }

    @Test
    void vipsAreUnchangedAfterARestart() {
        List<String> services = names("svc", 20);
        Catalog.example().withServices(services).writeTo(catalog());
        List<String> all = new ArrayList<>(services);
        all.addAll(List.of("backend", "frontend_kong_svc_80", "httpbin"));

        Map<String, String> before;
        try (ServerProcess server = ServerProcess.startAndWait(catalog(), dataDir())) {
            before = vips(server.client(), all);
            server.stop();
        }
        Map<String, String> after;
        try (ServerProcess server = ServerProcess.startAndWait(catalog(), dataDir())) {
            after = vips(server.client(), all);
        }

        assertThat(after).isEqualTo(before);
        assertThat(new HashSet<>(before.values())).as("distinct VIPs").hasSize(all.size());
    }

    @Test
    void vipIsUnchangedAfterTheEntryIsRemovedAndAddedAgain() {
        Catalog.example().withService("comeback").writeTo(catalog());
        try (ServerProcess server = ServerProcess.startAndWait(catalog(), dataDir())) {
            DnsClient dns = server.client();
            String vip = vipOf(dns, "comeback");

            Catalog.example().withServices(names("other", 10)).writeTo(catalog());
            awaitRcode(dns, "comeback.mesh.", Rcode.NXDOMAIN);
            vips(dns, names("other", 10));
            Catalog.example().withServices(names("other", 10)).withService("comeback").writeTo(catalog());

            assertThat(vipOf(dns, "comeback")).as("VIP after re-adding").isEqualTo(vip);
            server.stop();
            try (ServerProcess restarted = ServerProcess.startAndWait(catalog(), dataDir())) {
                assertThat(vipOf(restarted.client(), "comeback")).as("VIP after re-adding and a restart").isEqualTo(vip);
            }
        }
    }

    @Test
    void everyAnsweredVipSurvivesKillDashNineWhileServicesAreBeingAdded() throws Exception {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        Random random = new Random(seed);
        Map<String, String> answered = new LinkedHashMap<>();
        List<String> inCatalog = new ArrayList<>();
        Catalog.empty().writeTo(catalog());

        for (int iteration = 1; iteration <= CRASH_ITERATIONS; iteration++) {
            ServerProcess server = ServerProcess.startAndWait(catalog(), dataDir());
            try {
                assertThat(vips(server.client(), List.copyOf(answered.keySet())))
                        .as("VIPs answered before kill -9 number %d (seed %d); log:%n%s", iteration - 1, seed, server.log())
                        .isEqualTo(answered);

                long killAfterMillis = 300 + random.nextInt(2200);
                CompletableFuture<Void> killer = CompletableFuture.runAsync(server::kill,
                        CompletableFuture.delayedExecutor(killAfterMillis, TimeUnit.MILLISECONDS));
                int batch = 0;
                while (server.isAlive()) {
                    List<String> added = names("c" + iteration + "b" + batch++ + "n", BATCH);
                    inCatalog.addAll(added);
                    Catalog.empty().withServices(inCatalog).writeTo(catalog());
                    for (String service : added) {
                        answerIfAlive(server, service).ifPresent(vip -> answered.put(service, vip));
                    }
                }
                killer.get(30, TimeUnit.SECONDS);
            } finally {
                server.close();
            }
        }

        try (ServerProcess server = ServerProcess.startAndWait(catalog(), dataDir())) {
            assertThat(answered).as("VIPs answered across %d crashes (seed %d)", CRASH_ITERATIONS, seed).isNotEmpty();
            assertThat(vips(server.client(), List.copyOf(answered.keySet())))
                    .as("VIPs after the last kill -9 (seed %d)", seed)
                    .isEqualTo(answered);
            assertThat(new HashSet<>(answered.values())).as("distinct VIPs").hasSize(answered.size());
        }
    }

    /** The VIP of a freshly added service once it is answered, or empty if the server died first. */
    private static Optional<String> answerIfAlive(ServerProcess server, String service) {
        Message query = DnsClient.newQuery(service + ".mesh.", Type.A);
        long end = System.nanoTime() + Poll.RELOAD_DEADLINE.toNanos();
        while (server.isAlive() && System.nanoTime() - end < 0) {
            try {
                Optional<byte[]> wire = server.client().udpMaybe(query.toWire(), Duration.ofMillis(300));
                if (wire.isPresent()) {
                    Message reply = DnsClient.parse(wire.get());
                    if (reply.getRcode() == Rcode.NOERROR) {
                        return Optional.of(Replies.vipOf(reply));
                    }
                }
            } catch (RuntimeException serverGoneMidQuery) {
                // port unreachable once the process is killed
            }
        }
        return Optional.empty();
    }

    private static Map<String, String> vips(DnsClient dns, List<String> services) {
        Map<String, String> vips = new LinkedHashMap<>();
        for (String service : services) {
            vips.put(service, vipOf(dns, service));
        }
        return vips;
    }

    private static String vipOf(DnsClient dns, String service) {
        return Replies.vipOf(awaitRcode(dns, service + ".mesh.", Rcode.NOERROR));
    }

    private static Message awaitRcode(DnsClient dns, String name, int rcode) {
        return Poll.until(Poll.RELOAD_DEADLINE, () -> dns.query(name, Type.A), r -> r.getRcode() == rcode);
    }

    private static List<String> names(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + i).collect(Collectors.toList());
    }
}
