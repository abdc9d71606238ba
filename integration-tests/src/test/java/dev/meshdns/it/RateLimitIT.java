package dev.meshdns.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.it.support.Catalog;
import dev.meshdns.it.support.DnsClient;
import dev.meshdns.it.support.Poll;
import dev.meshdns.it.support.ServerFlags;
import dev.meshdns.it.support.ServerProcess;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Response rate limiting (--rrl-rate, --rrl-slip) on real UDP sockets: a flood from one /24 is cut to
 * the rate, every second limited reply slipped as TC=1, while another /24 keeps full service; TCP is
 * not limited; without the flag nothing is limited.
 */
class RateLimitIT {
    private static final int RATE = 20;
    private static final int FLOOD = 200;
    /** The flood is sent within milliseconds; even on a loaded machine it spans few seconds of tokens. */
    private static final int MOST_SECONDS_SPANNED = 3;

    @TempDir
    Path dir;

    /** How a burst of queries was answered. */
    private record Outcome(int full, int slipped, int missing) {
    }

    @Test
    void aFloodFromOnePrefixIsLimitedAndSlippedWhileAnotherPrefixKeepsFullService() throws Exception {
        try (ServerProcess server = started(ServerFlags.defaults().with("--rrl-rate", "" + RATE)
                .with("--rrl-slip", "2"))) {
            Outcome flood = burst(server, "127.0.0.2", FLOOD);
            Outcome other = burst(server, "127.0.1.1", RATE / 2);
            Message overTcp = server.client().queryTcp("backend.mesh.", Type.A);

            assertThat(flood.full()).as("full replies to 127.0.0.0/24 of %d: %s", FLOOD, flood)
                    .isBetween(RATE, RATE * MOST_SECONDS_SPANNED);
            int limited = FLOOD - flood.full();
            assertThat(flood.slipped()).as("every second limited reply slipped: %s", flood).isEqualTo(limited / 2);
            assertThat(flood.missing()).as("the others dropped: %s", flood).isEqualTo(limited - limited / 2);
            assertThat(other).as("127.0.1.0/24 during the flood").isEqualTo(new Outcome(RATE / 2, 0, 0));
            assertThat(overTcp.getRcode()).as("TCP from the flooding prefix").isEqualTo(Rcode.NOERROR);
            String metrics = server.admin().metrics().text();
            assertThat(metrics).contains("meshdns_dns_rrl_limited_total{action=\"slipped\"} " + flood.slipped() + ".0")
                    .contains("meshdns_dns_rrl_limited_total{action=\"dropped\"} " + flood.missing() + ".0");
        }
    }

    @Test
    void withoutTheFlagAFloodIsAnsweredInFull() throws Exception {
        try (ServerProcess server = started(ServerFlags.defaults())) {
            Outcome flood = burst(server, "127.0.0.2", FLOOD);

            assertThat(flood).isEqualTo(new Outcome(FLOOD, 0, 0));
            assertThat(server.admin().metrics().text())
                    .contains("meshdns_dns_rrl_limited_total{action=\"slipped\"} 0.0");
        }
    }

    private ServerProcess started(ServerFlags flags) {
        Path catalog = dir.resolve("catalog.yaml");
        Catalog.example().writeTo(catalog);
        ServerProcess server = ServerProcess.startAndWait(catalog, dir.resolve("data"), flags);
        Poll.until(Poll.RELOAD_DEADLINE, () -> server.client().query("backend.mesh.", Type.A),
                r -> r.getRcode() == Rcode.NOERROR);
        // Those queries came from 127.0.0.1, in the flood's /24: let its tokens come back.
        sleep(Duration.ofMillis(1100));
        return server;
    }

    /** Sends {@code count} queries back to back from {@code source}, then takes every reply that comes. */
    private static Outcome burst(ServerProcess server, String source, int count) throws IOException {
        InetSocketAddress target = server.client().server();
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(source), 0))) {
            socket.setReceiveBufferSize(1 << 20);
            for (int id = 1; id <= count; id++) {
                Message query = DnsClient.newQuery("backend.mesh.", Type.A);
                query.getHeader().setID(id);
                byte[] wire = query.toWire();
                socket.send(new DatagramPacket(wire, wire.length, target));
            }
            Map<Integer, Message> replies = new HashMap<>();
            socket.setSoTimeout((int) Duration.ofSeconds(2).toMillis());
            byte[] buffer = new byte[65535];
            while (replies.size() < count) {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(packet);
                } catch (SocketTimeoutException quiet) {
                    break; // the rest were dropped
                }
                Message reply = DnsClient.parse(java.util.Arrays.copyOf(buffer, packet.getLength()));
                replies.put(reply.getHeader().getID(), reply);
            }
            int full = 0;
            int slipped = 0;
            for (Message reply : replies.values()) {
                if (reply.getHeader().getFlag(Flags.TC)) {
                    assertThat(reply.getSection(Section.ANSWER)).as("a slipped reply's answer").isEmpty();
                    slipped++;
                } else {
                    assertThat(reply.getSection(Section.ANSWER)).as("a full reply's answer").hasSize(1);
                    full++;
                }
            }
            return new Outcome(full, slipped, count - replies.size());
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
