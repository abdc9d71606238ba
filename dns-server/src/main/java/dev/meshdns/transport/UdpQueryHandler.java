package dev.meshdns.transport;

import dev.meshdns.admin.Metrics;
import dev.meshdns.core.Resolver;
import dev.meshdns.forward.ReplySink;
import dev.meshdns.wire.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers each datagram with one reply datagram to its sender (or none on DROP); a reply that comes
 * later (forwarded) is written and flushed when it comes. Replies are written without flush and
 * flushed once per read batch, so epoll sends them with sendmmsg. Not sharable: one instance per
 * datagram channel owns two reusable scratch arrays, used only on that channel's event loop; per
 * query it allocates only the reply buffer and its DatagramPacket.
 */
final class UdpQueryHandler extends ChannelInboundHandlerAdapter {
    /** The largest UDP payload. */
    static final int MAX_DATAGRAM = 65535;
    private static final Logger log = LoggerFactory.getLogger(UdpQueryHandler.class);

    private final Answerer answerer;
    private final Metrics metrics;
    private final byte[] query = new byte[MAX_DATAGRAM];
    private final byte[] reply = new byte[Resolver.MAX_REPLY];
    private final Sender client = new Sender();

    UdpQueryHandler(Answerer answerer, Metrics metrics) {
        this.answerer = answerer;
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            ByteBuf content = packet.content();
            int length = Math.min(content.readableBytes(), query.length);
            content.getBytes(content.readerIndex(), query, 0, length);
            client.arrivalNanos = System.nanoTime();
            client.channel = ctx.channel();
            client.address = packet.sender();
            int replyLength = answerer.answer(query, length, client, reply);
            if (replyLength > 0) {
                ByteBuf out = ctx.alloc().directBuffer(replyLength);
                out.writeBytes(reply, 0, replyLength);
                ctx.write(new DatagramPacket(out, packet.sender()), ctx.voidPromise());
            }
        } finally {
            packet.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A UDP socket error (e.g. ICMP unreachable surfaced by the kernel) concerns one peer:
        // keep the channel open for everyone else.
        log.debug("udp channel error", cause);
    }

    /** The sender of the datagram being answered; reused for every datagram of the channel. */
    private final class Sender implements Client {
        Channel channel;
        InetSocketAddress address;
        long arrivalNanos;

        @Override
        public boolean tcp() {
            return false;
        }

        @Override
        public long arrivalNanos() {
            return arrivalNanos;
        }

        @Override
        public InetAddress address() {
            return address.getAddress();
        }

        @Override
        public ReplySink get() {
            Channel to = channel;
            InetSocketAddress recipient = address;
            long arrival = arrivalNanos;
            return (bytes, length) -> {
                metrics.response(Metrics.UDP, Wire.fullRcode(bytes, length), length, System.nanoTime() - arrival);
                ByteBuf out = to.alloc().directBuffer(length);
                out.writeBytes(bytes, 0, length);
                to.writeAndFlush(new DatagramPacket(out, recipient), to.voidPromise());
            };
        }
    }
}
