package dev.meshdns.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.it.support.Catalog;
import dev.meshdns.it.support.DnsClient;
import dev.meshdns.it.support.Poll;
import dev.meshdns.it.support.ServerProcess;
import dev.meshdns.it.support.Slowloris;
import dev.meshdns.it.support.TcpConnection;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The slowloris, on the default caps (150 connections, 50 per source): 150 connections from
 * three addresses that send a length prefix and stall, reconnecting whenever they are closed. TCP
 * clients from another address, and from one of the attackers' own, are still answered.
 */
class TcpSlowlorisIT {
    private static final int CONNECTION_CAP = 150;
    private static final Duration ATTACK_DEADLINE = Duration.ofSeconds(30);
    private static final Duration REPLY_WAIT = Duration.ofSeconds(3);
    private static final Duration PAUSE_BETWEEN_QUERIES = Duration.ofMillis(25);

    @TempDir
    static Path dir;
    static ServerProcess server;
    static DnsClient dns;

    @BeforeAll
    static void startServer() {
        Path catalog = dir.resolve("catalog.yaml");
        Catalog.example().writeTo(catalog);
        server = ServerProcess.startAndWait(catalog, dir.resolve("data"));
        dns = server.client();
        Poll.until(Poll.RELOAD_DEADLINE, () -> dns.query("backend.mesh.", Type.A), r -> r.getRcode() == Rcode.NOERROR);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void stalledConnectionsFromThreeAddressesDoNotLockOutOtherTcpClients() throws Exception {
        List<InetAddress> attackers = List.of(address("127.0.0.2"), address("127.0.0.3"), address("127.0.0.4"));
        try (Slowloris attack = Slowloris.start(dns.server(), attackers, CONNECTION_CAP / attackers.size())) {
            Poll.until(ATTACK_DEADLINE, attack::connects, connects -> connects >= CONNECTION_CAP);
            int openAtStart = attack.open();

            int answeredElsewhere = answered(address("127.0.0.1"), 60);
            int answeredShared = answered(attackers.get(0), 40);

            assertThat(openAtStart).as("stalled connections holding the caps when the clients start")
                    .isGreaterThanOrEqualTo(CONNECTION_CAP - 10);
            assertThat(answeredElsewhere).as("of 60 TCP queries from 127.0.0.1 during the attack (attack made %d"
                    + " connections)", attack.connects()).isGreaterThanOrEqualTo(54);
            assertThat(answeredShared).as("of 40 TCP queries from 127.0.0.2, an attacker's address")
                    .isGreaterThanOrEqualTo(36);
        }
    }

    /** Queries {@code count} times over a new connection each from {@code source}; how many got a reply. */
    private static int answered(InetAddress source, int count) throws InterruptedException {
        byte[] query = DnsClient.newQuery("backend.mesh.", Type.A).toWire();
        int answered = 0;
        for (int i = 0; i < count; i++) {
            try (TcpConnection connection = dns.openTcpFrom(source)) {
                connection.send(query);
                if (connection.await(REPLY_WAIT) == TcpConnection.Outcome.REPLY) {
                    answered++;
                }
            } catch (UncheckedIOException refusedOrReset) {
                // not answered
            }
            Thread.sleep(PAUSE_BETWEEN_QUERIES.toMillis());
        }
        return answered;
    }

    private static InetAddress address(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }
}
