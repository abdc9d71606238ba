package dev.meshdns.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.meshdns.admin.Metrics;
import dev.meshdns.config.TransportChoice;
import io.netty.buffer.PoolArenaMetric;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The listeners on a real loopback port, on each transport this machine has: queries over UDP and
 * TCP, and how they are counted.
 */
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {"io_uring", "epoll", "nio"})
class DnsTransportIT {
    /** UDP sockets asked for: not the number of cores here, so the count seen is the one asked for. */
    private static final int UDP_THREADS = 3;
    /** Queries with this ID make the answerer throw. */
    private static final int THROWS = 0x0BAD;

    private final Metrics metrics = Metrics.prometheus();
    private final io.micrometer.core.instrument.MeterRegistry registry = metrics.registry();
    /** The names of the threads that answered. */
    private final Set<String> answeringThreads = ConcurrentHashMap.newKeySet();
    @Parameter
    private String kindName;
    private TransportKind kind;
    private DnsTransport transport;

    @BeforeEach
    void bind() throws Exception {
        kind = TransportKind.valueOf(TransportChoice.parse(kindName).name());
        assumeTrue(kind.isAvailable(), () -> kindName + " is not available here: " + kind.unavailabilityCause());
        EchoAnswerer echo = new EchoAnswerer();
        Answerer answerer = (query, length, client, out) -> {
            answeringThreads.add(Thread.currentThread().getName());
            if ((query[0] & 0xFF) == THROWS >> 8 && (query[1] & 0xFF) == (THROWS & 0xFF)) {
                throw new IllegalStateException("resolver bug");
            }
            return echo.answer(query, length, client, out);
        };
        transport = DnsTransport.bind(kind.choice(), UDP_THREADS, new InetSocketAddress("127.0.0.1", 0),
                new TcpLimits(Duration.ofSeconds(10), 10, 10), answerer, metrics);
    }

    @AfterEach
    void close() {
        if (transport != null) {
            transport.close();
        }
    }

    @Test
    void listensOnTheTransportAskedFor() {
        assertThat(transport.kindName()).isEqualTo(kindName);
        assertThat(transport.kindReason()).isEqualTo("--transport " + kindName);
    }

    /**
     * SO_REUSEPORT: the kernel spreads clients over the sockets asked for by their address, so 128
     * clients reach them all; NIO has one.
     */
    @Test
    void queriesOfManyClientsAreAnsweredOnTheUdpSocketsAskedFor() throws Exception {
        for (int id = 1; id <= 128; id++) {
            try (DatagramSocket socket = new DatagramSocket()) {
                socket.setSoTimeout(5000);
                socket.send(datagram(EchoAnswerer.query(id)));
                socket.receive(new DatagramPacket(new byte[512], 512));
            }
        }

        int sockets = kind.isNative() ? UDP_THREADS : 1;
        assertThat(transport.udpSockets()).isEqualTo(sockets);
        assertThat(answeringThreads).as("threads that answered").hasSize(sockets)
                .allSatisfy(name -> assertThat(name).startsWith("meshdns-udp-"));
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

    @Test
    void udpAndTcpQueriesAreCountedByProtoFamilyTypeAndSizes() throws Exception {
        byte[] srv = Clients.query(5, 33);
        byte[] a = Clients.query(6, 1);
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(5000);
            socket.send(datagram(srv));
            socket.receive(new DatagramPacket(new byte[512], 512));
        }
        try (Socket socket = new Socket()) {
            socket.connect(transport.tcpAddress(), 5000);
            socket.setSoTimeout(5000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeShort(a.length);
            out.write(a);
            out.flush();
            assertThat(new DataInputStream(socket.getInputStream()).readUnsignedShort()).isEqualTo(a.length);
        }

        java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
        metrics.writePrometheusText(text);
        assertThat(text.toString(java.nio.charset.StandardCharsets.UTF_8))
                .contains("meshdns_dns_requests_total{family=\"1\",proto=\"udp\",type=\"SRV\"} 1.0")
                .contains("meshdns_dns_requests_total{family=\"1\",proto=\"tcp\",type=\"A\"} 1.0")
                .contains("meshdns_dns_responses_total{proto=\"udp\",rcode=\"NOERROR\"} 1.0")
                .contains("meshdns_dns_request_size_bytes_sum{proto=\"udp\"} 24.0")
                .contains("meshdns_dns_request_size_bytes_bucket{proto=\"tcp\",le=\"100.0\"} 1")
                .contains("meshdns_dns_response_size_bytes_sum{proto=\"tcp\"} 24.0")
                .contains("meshdns_dns_request_duration_seconds_count{proto=\"udp\"} 1")
                .contains("meshdns_dns_request_duration_seconds_count{proto=\"tcp\"} 1");
    }

    /** Reads and replies of both protocols take their buffers from the DNS pool, not from Netty's default allocator. */
    @Test
    void udpAndTcpQueriesTakeTheirBuffersFromTheDnsPool() throws Exception {
        long before = dnsPoolAllocations();
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(5000);
            socket.send(datagram(EchoAnswerer.query(11)));
            socket.receive(new DatagramPacket(new byte[512], 512));
        }
        long afterUdp = dnsPoolAllocations();
        assertThat(afterUdp).as("DNS pool allocations after a UDP query").isGreaterThan(before);

        try (Socket socket = new Socket()) {
            socket.connect(transport.tcpAddress(), 5000);
            socket.setSoTimeout(5000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeShort(12);
            out.write(EchoAnswerer.query(12));
            out.flush();
            assertThat(new DataInputStream(socket.getInputStream()).readUnsignedShort()).isEqualTo(12);
        }
        assertThat(dnsPoolAllocations()).as("DNS pool allocations after a TCP query").isGreaterThan(afterUdp);
        assertThat(DnsBuffers.ALLOCATOR.metric().chunkSize()).isEqualTo(512 * 1024);
        assertThat(DnsBuffers.ALLOCATOR.metric().numHeapArenas()).isZero();
    }

    /** The largest UDP payload over IPv4; epoll used to read 1500 bytes of it. */
    @Test
    void datagramOf65507BytesReachesTheAnswererWhole() throws Exception {
        byte[] query = new byte[65507];
        for (int i = 12; i < query.length; i++) {
            query[i] = (byte) (i * 31);
        }
        query[1] = 42;
        DnsTransport large = DnsTransport.bind(kind.choice(), 1, new InetSocketAddress("127.0.0.1", 0),
                new TcpLimits(Duration.ofSeconds(10), 10, 10), new EchoAnswerer(), metrics);
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(5000);
            socket.send(new DatagramPacket(query, query.length, large.udpAddress()));
            DatagramPacket reply = new DatagramPacket(new byte[65535], 65535);
            socket.receive(reply);

            assertThat(reply.getLength()).as("bytes echoed").isEqualTo(query.length);
            byte[] echoed = java.util.Arrays.copyOf(reply.getData(), reply.getLength());
            echoed[2] &= 0x7F;
            assertThat(echoed).as("the query, echoed").isEqualTo(query);
        } finally {
            large.close();
        }
    }

    /** Several datagrams per recvmmsg, each in its own 64 KiB slot. */
    @Test
    void burstOfSmallAndLargeDatagramsIsAnsweredWithEachOneWhole() throws Exception {
        int count = 64;
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(5000);
            socket.setReceiveBufferSize(1 << 20);
            for (int id = 1; id <= count; id++) {
                byte[] query = new byte[id % 2 == 0 ? 3000 : 100];
                query[0] = (byte) (id >> 8);
                query[1] = (byte) id;
                query[query.length - 1] = (byte) id;
                socket.send(datagram(query));
            }
            for (int i = 0; i < count; i++) {
                DatagramPacket reply = new DatagramPacket(new byte[65535], 65535);
                socket.receive(reply);
                byte[] data = reply.getData();
                int id = ((data[0] & 0xFF) << 8) | (data[1] & 0xFF);
                assertThat(reply.getLength()).as("length of reply %d", id).isEqualTo(id % 2 == 0 ? 3000 : 100);
                assertThat(data[reply.getLength() - 1]).as("last byte of reply %d", id).isEqualTo((byte) id);
            }
        }
    }

    /**
     * Buffers the DNS pool's arenas have handed out (a first buffer of each size on a thread, and every read
     * buffer of UDP, are taken from an arena; later small ones may come from the thread's cache).
     */
    private static long dnsPoolAllocations() {
        return DnsBuffers.ALLOCATOR.metric().directArenas().stream().mapToLong(PoolArenaMetric::numAllocations).sum();
    }

    private DatagramPacket datagram(byte[] payload) {
        return new DatagramPacket(payload, payload.length, transport.udpAddress());
    }

    private double count(String name, String via) {
        return Clients.count(registry, name, name.startsWith("meshdns.dns.re") ? "proto" : "transport", via);
    }

    private double count(String name, String via, String rcode) {
        return Clients.count(registry, name, "proto", via, "rcode", rcode);
    }
}
