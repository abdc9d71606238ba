package dev.meshdns.it;

import static dev.meshdns.it.support.MessageAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.it.support.Catalog;
import dev.meshdns.it.support.DnsClient;
import dev.meshdns.it.support.Poll;
import dev.meshdns.it.support.Replies;
import dev.meshdns.it.support.ServerProcess;
import dev.meshdns.it.support.TcpConnection;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** DNS over TCP per RFC 7766: framing, pipelining, partial reads, bad frames, the connection caps. */
class TcpIT {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(3);
    private static final int CONNECTION_CAP = 150;
    private static final int PER_SOURCE_CAP = 50;

    @TempDir
    static Path dir;
    static ServerProcess server;
    static DnsClient dns;
    static String backendVip;

    @BeforeAll
    static void startServer() {
        Path catalog = dir.resolve("catalog.yaml");
        Catalog.example().writeTo(catalog);
        server = ServerProcess.startAndWait(catalog, dir.resolve("data"));
        dns = server.client();
        backendVip = Replies.vipOf(Poll.until(Poll.RELOAD_DEADLINE, () -> dns.query("backend.mesh.", Type.A),
                r -> r.getRcode() == Rcode.NOERROR));
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void framedQueryIsAnsweredWithAFramedReply() {
        Message query = DnsClient.newQuery("backend.mesh.", Type.A);

        Message reply = DnsClient.parse(dns.tcp(query.toWire()));

        assertThat(reply).hasId(query.getHeader().getID());
        assertThat(reply).isAuthoritative();
        assertThat(reply).hasAnswer("backend.mesh. 30 IN A " + backendVip);
    }

    @Test
    void tenQueriesPipelinedInOneWriteAreAllAnswered() {
        List<Message> queries = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Message query = DnsClient.newQuery(i % 2 == 0 ? "backend.mesh." : "nosuch" + i + ".mesh.", Type.A);
            query.getHeader().setID(1000 + i);
            queries.add(query);
        }

        List<byte[]> replies;
        try (TcpConnection connection = dns.openTcp()) {
            connection.send(queries.stream().map(Message::toWire).toArray(byte[][]::new));
            replies = connection.read(10, READ_TIMEOUT);
        }

        Set<Integer> ids = replies.stream().map(Replies::id).collect(Collectors.toSet());
        assertThat(ids).containsExactlyInAnyOrderElementsOf(
                queries.stream().map(q -> q.getHeader().getID()).collect(Collectors.toList()));
        for (byte[] wire : replies) {
            Message reply = DnsClient.parse(wire);
            int expected = Replies.id(wire) % 2 == 0 ? Rcode.NOERROR : Rcode.NXDOMAIN;
            assertThat(reply).hasRcode(expected);
        }
    }

    @Test
    void queryWrittenOneByteAtATimeIsAnswered() throws InterruptedException {
        Message query = DnsClient.newQuery("backend.mesh.", Type.A);
        byte[] framed = TcpConnection.frame(query.toWire());

        Optional<byte[]> reply;
        try (TcpConnection connection = dns.openTcp()) {
            for (byte b : framed) {
                connection.writeRaw(new byte[] {b});
                Thread.sleep(5); // pacing, so the server sees many partial reads
            }
            reply = connection.read(READ_TIMEOUT);
        }

        assertThat(reply).as("reply").isPresent();
        assertThat(DnsClient.parse(reply.get())).hasAnswer("backend.mesh. 30 IN A " + backendVip);
    }

    @Test
    void frameShorterThanAHeaderClosesThatConnectionOnly() {
        try (TcpConnection bad = dns.openTcp(); TcpConnection good = dns.openTcp()) {
            bad.send(new byte[] {0x12, 0x34, 0, 0, 0});

            assertThat(bad.isClosedByServer(READ_TIMEOUT)).as("connection with a 5-byte frame closed").isTrue();
            good.send(DnsClient.newQuery("backend.mesh.", Type.A).toWire());
            assertThat(good.read(READ_TIMEOUT)).as("reply on the other connection").isPresent();
        }
    }

    @Test
    void responseSentOverTcpClosesThatConnectionOnly() {
        byte[] response = DnsClient.newQuery("backend.mesh.", Type.A).toWire();
        response[2] |= (byte) 0x80;
        try (TcpConnection bad = dns.openTcp(); TcpConnection good = dns.openTcp()) {
            bad.send(response);

            assertThat(bad.isClosedByServer(READ_TIMEOUT)).as("connection that sent QR=1 closed").isTrue();
            good.send(DnsClient.newQuery("backend.mesh.", Type.A).toWire());
            assertThat(good.read(READ_TIMEOUT)).as("reply on the other connection").isPresent();
        }
    }

    @Test
    void connectionsBeyondThePerSourceCapCloseThatSourcesOldestWhileUdpKeepsAnswering() {
        assertCapped(List.of(InetAddress.getLoopbackAddress()), CONNECTION_CAP + 20, PER_SOURCE_CAP);
    }

    /** 4 sources x 45 = 180 connections: under the per-source cap of 50, only the total cap closes some. */
    @Test
    void connectionsFromManySourcesAreCappedAtTheTotal() throws Exception {
        List<InetAddress> sources = new ArrayList<>();
        for (int i = 2; i <= 5; i++) {
            sources.add(InetAddress.getByName("127.0.0." + i));
        }
        assertCapped(sources, 45, CONNECTION_CAP);
    }

    /**
     * Opens quiet connections, waits until the server has admitted them all (each one over a cap
     * closed an older one: the evictions counter says so), then queries on every one: the ones still
     * open are answered, the others were closed.
     */
    private static void assertCapped(List<InetAddress> sources, int perSource, int open) {
        int attempted = sources.size() * perSource;
        double evictionsBefore = evictions();
        List<TcpConnection> connections = new ArrayList<>();
        try {
            for (InetAddress source : sources) {
                for (int i = 0; i < perSource; i++) {
                    connections.add(dns.openTcpFrom(source));
                }
            }
            Poll.until(Poll.RELOAD_DEADLINE, TcpIT::evictions, e -> e >= evictionsBefore + attempted - open);
            Map<TcpConnection.Outcome, Integer> outcomes = new EnumMap<>(TcpConnection.Outcome.class);
            for (TcpConnection connection : connections) {
                sendIgnoringClosed(connection);
            }
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            for (TcpConnection connection : connections) {
                Duration left = Duration.ofNanos(Math.max(Duration.ofMillis(50).toNanos(), deadline - System.nanoTime()));
                outcomes.merge(connection.await(left), 1, Integer::sum);
            }

            // a connection of an earlier test still closing may have taken a slot for a moment
            assertThat(outcomes.getOrDefault(TcpConnection.Outcome.REPLY, 0))
                    .as("connections answered, of %d from %s: %s", attempted, sources, outcomes)
                    .isBetween(open - 5, open);
            assertThat(outcomes.getOrDefault(TcpConnection.Outcome.SILENT, 0))
                    .as("connections neither answered nor closed: %s", outcomes)
                    .isZero();
            assertThat(dns.query("backend.mesh.", Type.A)).as("UDP while TCP is full").hasRcode(Rcode.NOERROR);
        } finally {
            connections.forEach(TcpConnection::close);
        }
        byte[] query = DnsClient.newQuery("backend.mesh.", Type.A).toWire();
        Optional<byte[]> afterwards = Poll.until(Poll.RELOAD_DEADLINE, () -> {
            try (TcpConnection connection = dns.openTcp()) {
                connection.send(query);
                return connection.read(READ_TIMEOUT);
            }
        }, Optional::isPresent);
        assertThat(afterwards).as("TCP reply once the connections are closed").isPresent();
    }

    private static double evictions() {
        return server.admin().metrics().value("meshdns_dns_tcp_evictions_total");
    }

    private static void sendIgnoringClosed(TcpConnection connection) {
        try {
            connection.send(DnsClient.newQuery("backend.mesh.", Type.A).toWire());
        } catch (UncheckedIOException alreadyClosedByServer) {
            // counted as CLOSED when read
        }
    }
}
