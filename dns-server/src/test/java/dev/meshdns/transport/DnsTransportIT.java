package dev.meshdns.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.admin.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The listeners on a real loopback port: queries over UDP and TCP, and how they are counted. */
class DnsTransportIT {
    /** Queries with this ID make the answerer throw. */
    private static final int THROWS = 0x0BAD;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private DnsTransport transport;

    @BeforeEach
    void bind() throws Exception {
        EchoAnswerer echo = new EchoAnswerer();
        Answerer answerer = (query, length, client, out) -> {
            if ((query[0] & 0xFF) == THROWS >> 8 && (query[1] & 0xFF) == (THROWS & 0xFF)) {
                throw new IllegalStateException("resolver bug");
            }
            return echo.answer(query, length, client, out);
        };
        transport = DnsTransport.bind(new InetSocketAddress("127.0.0.1", 0),
                new TcpLimits(Duration.ofSeconds(10), 10, 10), answerer, new Metrics(registry));
    }

    @AfterEach
    void close() {
        transport.close();
    }

    @Test
    void udpQueryWhoseAnswererThrowsGetsNoReplyIsCountedAndTheNextIsAnswered() throws Exception {
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(5000);
            socket.send(datagram(EchoAnswerer.query(THROWS)));
            socket.send(datagram(EchoAnswerer.query(7)));

            DatagramPacket reply = new DatagramPacket(new byte[512], 512);
            socket.receive(reply);

            // One client socket reaches one server socket, read in order: the failure came first.
            assertThat(((reply.getData()[0] & 0xFF) << 8) | (reply.getData()[1] & 0xFF)).isEqualTo(7);
        }
        assertThat(count("meshdns.dns.answer.failures", "udp")).isEqualTo(1.0);
        assertThat(count("meshdns.dns.requests", "udp")).isEqualTo(1.0);
    }

    @Test
    void tcpQueryIsAnsweredAndCountedUnderTcp() throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(transport.tcpAddress(), 5000);
            socket.setSoTimeout(5000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeShort(12);
            out.write(EchoAnswerer.query(9));
            out.flush();

            DataInputStream in = new DataInputStream(socket.getInputStream());
            assertThat(in.readUnsignedShort()).isEqualTo(12);
            assertThat(in.readUnsignedShort()).isEqualTo(9);
        }
        assertThat(count("meshdns.dns.responses", "tcp", "NOERROR")).isEqualTo(1.0);
        assertThat(count("meshdns.dns.answer.failures", "tcp")).isZero();
    }

    private DatagramPacket datagram(byte[] payload) {
        return new DatagramPacket(payload, payload.length, transport.udpAddress());
    }

    private double count(String name, String via) {
        return registry.get(name).tag("transport", via).counter().count();
    }

    private double count(String name, String via, String rcode) {
        return registry.get(name).tag("transport", via).tag("rcode", rcode).counter().count();
    }
}
