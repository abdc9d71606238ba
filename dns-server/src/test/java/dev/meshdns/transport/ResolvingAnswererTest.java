package dev.meshdns.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.table.LiveTable;
import dev.meshdns.table.NameTable;
import dev.meshdns.table.ZoneSpec;
import dev.meshdns.vip.Cidr;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The production answer path through both handlers, on the table served before the first catalog. */
class ResolvingAnswererTest {
    /** backend.mesh A IN, ID 0x1234, RD set, no EDNS. */
    private static final byte[] QUERY = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
        7, 'b', 'a', 'c', 'k', 'e', 'n', 'd', 4, 'm', 'e', 's', 'h', 0, 0, 1, 0, 1};
    private static final int SERVFAIL = 2;
    private static final NameTable NOT_READY = LiveTable.notReady(new ZoneSpec("mesh", 30, Cidr.parse("240.0.0.0/4")));

    private final Answerer answerer = Answerer.resolving(() -> NOT_READY);

    @Test
    void udpQueryBeforeTheFirstCatalogIsServfail() {
        EmbeddedChannel channel = new EmbeddedChannel(new UdpQueryHandler(answerer, Clients.metrics()));
        InetSocketAddress client = new InetSocketAddress("192.0.2.1", 40000);

        channel.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(QUERY), null, client));

        DatagramPacket reply = channel.readOutbound();
        try {
            assertThat(reply.content().getUnsignedShort(0)).isEqualTo(0x1234);
            assertThat(reply.content().getByte(2) & 0x80).as("QR").isEqualTo(0x80);
            assertThat(reply.content().getByte(3) & 0x0F).as("RCODE").isEqualTo(SERVFAIL);
        } finally {
            reply.release();
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void tcpQueryBeforeTheFirstCatalogIsServfailWithLengthPrefix() {
        EmbeddedChannel channel = new EmbeddedChannel(new TcpChannelInitializer(
                new TcpLimits(Duration.ofSeconds(10), 10, 10), answerer, Clients.metrics()));
        ByteBuf frame = Unpooled.buffer().writeShort(QUERY.length).writeBytes(QUERY);

        channel.writeInbound(frame);

        ByteBuf reply = channel.readOutbound();
        try {
            assertThat(reply.readUnsignedShort()).isEqualTo(reply.readableBytes());
            assertThat(reply.getUnsignedShort(2)).isEqualTo(0x1234);
            assertThat(reply.getByte(5) & 0x0F).as("RCODE").isEqualTo(SERVFAIL);
        } finally {
            reply.release();
            channel.finishAndReleaseAll();
        }
    }
}
