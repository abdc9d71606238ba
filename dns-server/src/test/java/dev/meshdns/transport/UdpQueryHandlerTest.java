package dev.meshdns.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UdpQueryHandlerTest {
    private static final InetSocketAddress CLIENT = new InetSocketAddress("192.0.2.1", 40000);
    private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 5653);

    private final EchoAnswerer answerer = new EchoAnswerer();
    private final EmbeddedChannel channel = new EmbeddedChannel(new UdpQueryHandler(answerer, Clients.metrics()));

    @AfterEach
    void releaseEverything() {
        channel.finishAndReleaseAll();
    }

    @Test
    void replyGoesToTheSender() {
        channel.writeInbound(datagram(EchoAnswerer.query(42)));

        DatagramPacket reply = channel.readOutbound();
        try {
            assertThat(reply.recipient()).isEqualTo(CLIENT);
            assertThat(reply.content().readableBytes()).isEqualTo(12);
            assertThat(reply.content().getUnsignedShort(0)).isEqualTo(42);
            assertThat(reply.content().isDirect()).isTrue();
        } finally {
            reply.release();
        }
    }

    @Test
    void aLaterReplyGoesToTheSenderOfItsQueryAndIsCounted() {
        java.util.List<dev.meshdns.forward.ReplySink> sinks = new java.util.ArrayList<>();
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        EmbeddedChannel later = new EmbeddedChannel(new UdpQueryHandler((query, length, client, out) -> {
            sinks.add(client.get());
            return Answerer.LATER;
        }, new dev.meshdns.admin.Metrics(registry)));
        InetSocketAddress other = new InetSocketAddress("192.0.2.2", 40001);
        later.writeInbound(datagram(EchoAnswerer.query(1)), new DatagramPacket(
                Unpooled.copiedBuffer(EchoAnswerer.query(2)), SERVER, other));
        assertThat((Object) later.readOutbound()).as("nothing yet").isNull();

        byte[] reply = EchoAnswerer.query(2);
        reply[2] |= (byte) 0x80;
        reply[3] = 3; // NXDOMAIN
        sinks.get(1).reply(reply, reply.length);
        later.runPendingTasks();

        DatagramPacket sent = later.readOutbound();
        try {
            assertThat(sent.recipient()).isEqualTo(other);
            assertThat(sent.content().getUnsignedShort(0)).isEqualTo(2);
            assertThat(Clients.count(registry, "meshdns.dns.responses", "proto", "udp", "rcode", "NXDOMAIN"))
                    .isEqualTo(1.0);
        } finally {
            sent.release();
            later.finishAndReleaseAll();
        }
    }

    @Test
    void droppedQueryGetsNoReply() {
        channel.writeInbound(datagram(EchoAnswerer.query(0xFFFF)));

        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(answerer.calls).isEqualTo(1);
    }

    @Test
    void everyDatagramOfABatchIsAnswered() {
        channel.writeInbound(datagram(EchoAnswerer.query(1)), datagram(EchoAnswerer.query(2)));

        for (int id = 1; id <= 2; id++) {
            DatagramPacket reply = channel.readOutbound();
            assertThat(reply.content().getUnsignedShort(0)).isEqualTo(id);
            reply.release();
        }
    }

    @Test
    void emptyDatagramReachesTheAnswererWithLengthZero() {
        int[] seen = {-1};
        EmbeddedChannel recording = new EmbeddedChannel(new UdpQueryHandler((query, length, client, out) -> {
            seen[0] = length;
            return -1;
        }, Clients.metrics()));

        recording.writeInbound(new DatagramPacket(Unpooled.EMPTY_BUFFER, SERVER, CLIENT));

        assertThat(seen[0]).isZero();
        assertThat((Object) recording.readOutbound()).isNull();
        recording.finishAndReleaseAll();
    }

    private static DatagramPacket datagram(byte[] payload) {
        return new DatagramPacket(Unpooled.copiedBuffer(payload), SERVER, CLIENT);
    }
}
