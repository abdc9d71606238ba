package dev.meshdns.it;

import static dev.meshdns.it.support.MessageAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.it.support.Catalog;
import dev.meshdns.it.support.DnsClient;
import dev.meshdns.it.support.Poll;
import dev.meshdns.it.support.Replies;
import dev.meshdns.it.support.ServerFlags;
import dev.meshdns.it.support.ServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * A follower ({@code --store none}) of a replica whose pool is exhausted: the replica serves the
 * service it has no VIP for without one, and the follower answers it SERVFAIL with the Extended DNS
 * Error "no VIP assigned yet", never an address of its own, until the replica assigns one. The pool
 * 240.0.0.0/30 has two usable addresses for the three services a, b and c.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SidecarUnassignedIT {
    static final Duration SYNC_DEADLINE = Duration.ofSeconds(10);
    static final List<String> SERVICES = List.of("a", "b", "c");

    @TempDir
    static Path dir;
    static Path catalog;
    static ServerProcess replica;
    static ServerProcess follower;
    static String unassigned;
    static Map<String, String> vips = new TreeMap<>();

    @BeforeAll
    static void exhaustTheReplicasPool() {
        catalog = dir.resolve("catalog.yaml");
        Catalog.empty().withServices(SERVICES).writeTo(catalog);
        replica = ServerProcess.startAndWait(catalog, dir.resolve("replica"), ServerFlags.defaults()
                .with("--vip-cidr", "240.0.0.0/30")
                .with("--vip-quarantine", "0s"));
        // Before the catalog is loaded every name is SERVFAIL too: wait for two answers.
        Map<String, Message> replies = Poll.until(SYNC_DEADLINE, () -> {
            Map<String, Message> all = new TreeMap<>();
            for (String service : SERVICES) {
                all.put(service, replica.client().query(service + ".mesh.", Type.A));
            }
            return all;
        }, all -> all.values().stream().filter(r -> r.getRcode() == Rcode.NOERROR).count() == 2);
        List<String> failing = new ArrayList<>();
        replies.forEach((service, reply) -> {
            if (reply.getRcode() == Rcode.NOERROR) {
                vips.put(service, Replies.vipOf(reply));
            } else {
                failing.add(service);
            }
        });
        assertThat(failing).as("services without a VIP at the replica").hasSize(1);
        unassigned = failing.get(0);
        follower = ServerProcess.startAndWait(null, dir.resolve("follower"), ServerFlags.defaults()
                .with("--store", "none")
                .with("--control-plane", replica.grpcTarget()));
    }

    @AfterAll
    static void stopAll() {
        follower.close();
        replica.close();
    }

    private static Message await(DnsClient dns, String name, int rcode) {
        return Poll.until(SYNC_DEADLINE, () -> dns.queryWithEdns(name, Type.A), r -> r.getRcode() == rcode);
    }

    @Test
    @Order(1)
    void servicesWithAVipAnswerTheReplicasVip() {
        vips.forEach((service, vip) -> assertThat(Replies.vipOf(await(follower.client(), service + ".mesh.",
                Rcode.NOERROR))).as(service).isEqualTo(vip));
    }

    @Test
    @Order(2)
    void aServiceWithoutAVipIsServfailWithAnExtendedErrorAndNoAddress() {
        await(follower.client(), vips.keySet().iterator().next() + ".mesh.", Rcode.NOERROR); // synced

        Message reply = follower.client().queryWithEdns(unassigned + ".mesh.", Type.A);

        assertThat(reply).hasRcode(Rcode.SERVFAIL);
        assertThat(reply).hasExtendedErrorTextContaining("no VIP assigned yet");
        assertThat(reply).hasEmptyAnswer();
        assertThat(follower.client().queryWithEdns(unassigned + ".mesh.", Type.AAAA)).hasEmptyAnswer();
    }

    @Test
    @Order(3)
    void theVipReachesTheFollowerOnceTheReplicaAssignsOne() {
        String holder = vips.keySet().iterator().next();
        List<String> rest = new ArrayList<>(SERVICES);
        rest.remove(holder);
        Catalog.empty().withServices(rest).writeTo(catalog);

        String vip = Replies.vipOf(await(replica.client(), unassigned + ".mesh.", Rcode.NOERROR));
        Message reply = Poll.until(SYNC_DEADLINE, () -> follower.client().query(unassigned + ".mesh.", Type.A),
                r -> r.getRcode() == Rcode.NOERROR);

        assertThat(reply).hasRcode(Rcode.NOERROR);
        assertThat(Replies.vipOf(reply)).isEqualTo(vip);
        assertThat(await(follower.client(), holder + ".mesh.", Rcode.NXDOMAIN)).hasRcode(Rcode.NXDOMAIN);
    }
}
