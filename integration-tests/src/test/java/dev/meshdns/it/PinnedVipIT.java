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
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * A pinned VIP ({@code vip:} in an entry, e.g. a Kubernetes ClusterIP) wins over allocation, but
 * two services never share an address: a pin that collides with another service's VIP is logged
 * (naming both), counted, and not applied. Each test writes the whole catalog with its own names
 * and addresses, so the order of the tests does not matter.
 */
class PinnedVipIT {
    @TempDir
    static Path dir;
    static Path catalog;
    static ServerProcess server;
    static DnsClient dns;

    @BeforeAll
    static void startServer() {
        catalog = dir.resolve("catalog.yaml");
        Catalog.empty().withService("first").writeTo(catalog);
        server = ServerProcess.startAndWait(catalog, dir.resolve("data"), ServerFlags.defaults());
        dns = server.client();
        awaitVip("first.mesh.");
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static String awaitVip(String name) {
        return Replies.vipOf(Poll.until(Poll.RELOAD_DEADLINE, () -> dns.query(name, Type.A),
                r -> r.getRcode() == Rcode.NOERROR));
    }

    private static Catalog pinned(Catalog catalog, String service, String vip) {
        return catalog.with("- service: " + service + "\n  vip: " + vip + "\n");
    }

    private static double pinConflicts() {
        double value = server.admin().metrics().value("meshdns_vip_pin_conflicts_total");
        return Double.isNaN(value) ? 0 : value;
    }

    /** Waits for a log line naming both services, and returns it. */
    private static Optional<String> logLineNaming(String one, String other) {
        String log = Poll.until(Poll.RELOAD_DEADLINE, server::log, text -> lineNaming(text, one, other).isPresent());
        return lineNaming(log, one, other);
    }

    private static Optional<String> lineNaming(String log, String one, String other) {
        return Arrays.stream(log.split("\n")).filter(line -> line.contains(one) && line.contains(other)).findFirst();
    }

    @Test
    void pinnedVipIsAnsweredExactly() {
        pinned(Catalog.empty(), "pinnedexact", "240.0.0.100").writeTo(catalog);

        Message reply = Poll.until(Poll.RELOAD_DEADLINE, () -> dns.query("pinnedexact.mesh.", Type.A),
                r -> r.getRcode() == Rcode.NOERROR);

        assertThat(reply).isAuthoritative();
        assertThat(reply).hasAnswer("pinnedexact.mesh. 30 IN A 240.0.0.100");
    }

    @Test
    void ofTwoPinsOfTheSameAddressTheSmallerServiceNameWinsWhateverTheFileOrderAndTheOtherIsReported()
            throws Exception {
        double conflictsBefore = pinConflicts();
        pinned(pinned(Catalog.empty(), "pinzulu", "240.0.0.101"), "pinalpha", "240.0.0.101").writeTo(catalog);

        String winner = awaitVip("pinalpha.mesh.");
        String loser = awaitVip("pinzulu.mesh.");
        Optional<String> logLine = logLineNaming("pinzulu", "pinalpha");
        double conflicts = Poll.until(Poll.RELOAD_DEADLINE, PinnedVipIT::pinConflicts, n -> n > conflictsBefore);

        assertThat(winner).as("the smaller service name pinning 240.0.0.101, second in the file")
                .isEqualTo("240.0.0.101");
        assertThat(loser).as("the other entry pinning 240.0.0.101").isNotEqualTo("240.0.0.101");
        assertThat(Replies.isInPool(loser)).as("the losing entry's VIP %s is in the pool 240.0.0.0/4", loser).isTrue();
        assertThat(logLine).as("a log line naming both services").isPresent();
        assertThat(conflicts).as("meshdns_vip_pin_conflicts_total").isGreaterThan(conflictsBefore);
    }

    @Test
    void pinOfAnotherServicesAllocatedVipIsReportedAndNotApplied() {
        Catalog withKeeper = Catalog.empty().withService("keeper");
        withKeeper.writeTo(catalog);
        String keeperVip = awaitVip("keeper.mesh.");
        double conflictsBefore = pinConflicts();

        pinned(withKeeper, "usurper", keeperVip).writeTo(catalog);
        String usurper = awaitVip("usurper.mesh.");
        Optional<String> logLine = logLineNaming("keeper", "usurper");
        double conflicts = Poll.until(Poll.RELOAD_DEADLINE, PinnedVipIT::pinConflicts, n -> n > conflictsBefore);

        assertThat(Replies.vipOf(dns.query("keeper.mesh.", Type.A))).as("the allocated service").isEqualTo(keeperVip);
        assertThat(usurper).as("the entry pinning the allocated VIP").isNotEqualTo(keeperVip);
        assertThat(logLine).as("a log line naming both services").isPresent();
        assertThat(conflicts).as("meshdns_vip_pin_conflicts_total").isGreaterThan(conflictsBefore);
    }
}
