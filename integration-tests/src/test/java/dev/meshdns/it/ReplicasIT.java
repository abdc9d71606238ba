package dev.meshdns.it;

import static dev.meshdns.it.support.MessageAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.it.support.Catalog;
import dev.meshdns.it.support.DnsClient;
import dev.meshdns.it.support.Poll;
import dev.meshdns.it.support.Replies;
import dev.meshdns.it.support.ServerFlags;
import dev.meshdns.it.support.ServerProcess;
import dev.meshdns.it.support.TcpProxy;
import dev.meshdns.it.support.TestPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Replicas sharing one PostgreSQL ({@code --store postgres}) answer the same VIP for every name,
 * and when the database is unreachable, known names keep answering while new services wait
 * (SERVFAIL) until it returns. Runs against the server of {@code MESHDNS_TEST_POSTGRES_URL},
 * in databases of its own that it drops at the end.
 */
class ReplicasIT {
    static final int REPLICAS = 3;
    static final List<String> SERVICES = IntStream.range(0, 200)
            .mapToObj(i -> String.format("svc%03d", i)).collect(Collectors.toList());
    /** Every replica allocates or learns 200 VIPs from the database. */
    static final Duration FIRST_ANSWERS_DEADLINE = Duration.ofSeconds(30);
    /** A new service on a live database; then after the database comes back. */
    static final Duration ALLOCATION_DEADLINE = Duration.ofSeconds(10);
    static final Duration RECOVERY_DEADLINE = Duration.ofSeconds(20);
    /** How long the test watches the server answer while the database is cut off. */
    static final Duration OUTAGE_WATCH = Duration.ofSeconds(2);

    @TempDir
    static Path dir;
    static TestPostgres.Url database;
    static final List<ServerProcess> replicas = new ArrayList<>();

    @BeforeAll
    static void startThreeReplicasOnOneDatabase() {
        database = TestPostgres.createDatabase("meshdns_it_replicas");
        for (int i = 0; i < REPLICAS; i++) {
            Catalog.empty().withServices(SERVICES).writeTo(catalog(i));
        }
        for (int i = 0; i < REPLICAS; i++) {
            replicas.add(ServerProcess.start(catalog(i), dir.resolve("data-" + i), postgresStore(database)));
        }
        replicas.forEach(ServerProcess::waitUntilAnswering);
    }

    @AfterAll
    static void stopReplicas() {
        replicas.forEach(ServerProcess::close);
        if (database != null) {
            TestPostgres.dropDatabase(database);
        }
    }

    static Path catalog(int replica) {
        return dir.resolve("catalog-" + replica + ".yaml");
    }

    static ServerFlags postgresStore(TestPostgres.Url url) {
        return ServerFlags.defaults().with("--store", "postgres").with("--postgres-url", url.toString());
    }

    private static String awaitVip(DnsClient dns, String service, Duration deadline) {
        return Replies.vipOf(Poll.until(deadline, () -> dns.query(service + ".mesh.", Type.A),
                r -> r.getRcode() == Rcode.NOERROR));
    }

    private static Map<String, String> vips(ServerProcess replica, List<String> services) {
        Map<String, String> vips = new LinkedHashMap<>();
        for (String service : services) {
            vips.put(service, awaitVip(replica.client(), service, FIRST_ANSWERS_DEADLINE));
        }
        return vips;
    }

    @Test
    void everyReplicaAnswersTheSameVipForEveryService() {
        Map<String, String> first = vips(replicas.get(0), SERVICES);
        Map<String, String> second = vips(replicas.get(1), SERVICES);
        Map<String, String> third = vips(replicas.get(2), SERVICES);

        assertThat(second).as("replica 2 against replica 1").isEqualTo(first);
        assertThat(third).as("replica 3 against replica 1").isEqualTo(first);
        assertThat(new HashSet<>(first.values())).as("distinct VIPs").hasSize(SERVICES.size());
    }

    @Test
    void serviceAddedToEveryCatalogAtOnceGetsOneVipEverywhere() {
        List<String> withNewcomer = new ArrayList<>(SERVICES);
        withNewcomer.add("newcomer");
        for (int i = 0; i < REPLICAS; i++) {
            Catalog.empty().withServices(withNewcomer).writeTo(catalog(i));
        }

        List<String> answered = replicas.stream()
                .map(replica -> awaitVip(replica.client(), "newcomer", ALLOCATION_DEADLINE))
                .collect(Collectors.toList());
        Map<String, String> others = vips(replicas.get(0), SERVICES);

        assertThat(new HashSet<>(answered)).as("newcomer's VIP on each replica: %s", answered).hasSize(1);
        assertThat(others.values()).as("VIPs of the other services").doesNotContain(answered.get(0));
    }

    @Test
    void whileTheDatabaseIsUnreachableKnownNamesAnswerAndNewOnesWaitUntilItReturns(@TempDir Path own) {
        TestPostgres.Url outageDatabase = TestPostgres.createDatabase("meshdns_it_outage");
        Path catalog = own.resolve("catalog.yaml");
        Catalog.empty().withServices(List.of("known1", "known2")).writeTo(catalog);
        try (TcpProxy proxy = TcpProxy.start(outageDatabase.host(), outageDatabase.port());
             ServerProcess server = ServerProcess.startAndWait(catalog, own.resolve("data"),
                     postgresStore(outageDatabase.withAddress("127.0.0.1", proxy.port())))) {
            DnsClient dns = server.client();
            Map<String, String> known = Map.of(
                    "known1", awaitVip(dns, "known1", ALLOCATION_DEADLINE),
                    "known2", awaitVip(dns, "known2", ALLOCATION_DEADLINE));

            proxy.cut();
            Catalog.empty().withServices(List.of("known1", "known2", "latecomer")).writeTo(catalog);
            Message waiting = Poll.until(Poll.RELOAD_DEADLINE, () -> dns.query("latecomer.mesh.", Type.A),
                    r -> r.getRcode() != Rcode.NXDOMAIN);
            assertThat(waiting).as("latecomer while the database is unreachable").hasRcode(Rcode.SERVFAIL);
            long end = System.nanoTime() + OUTAGE_WATCH.toNanos();
            while (System.nanoTime() - end < 0) {
                known.forEach((service, vip) ->
                        assertThat(Replies.vipOf(dns.query(service + ".mesh.", Type.A))).as(service).isEqualTo(vip));
                assertThat(dns.query("latecomer.mesh.", Type.A)).as("latecomer").hasRcode(Rcode.SERVFAIL);
                Poll.pause(100);
            }

            proxy.restore();
            String latecomer = awaitVip(dns, "latecomer", RECOVERY_DEADLINE);

            assertThat(known.values()).as("VIPs of the known services").doesNotContain(latecomer);
            assertThat(Replies.vipOf(dns.query("known1.mesh.", Type.A))).as("known1 after the outage")
                    .isEqualTo(known.get("known1"));
        } finally {
            TestPostgres.dropDatabase(outageDatabase);
        }
    }
}
