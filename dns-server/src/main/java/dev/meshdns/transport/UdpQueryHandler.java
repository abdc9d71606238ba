package dev.meshdns.transport;

import dev.meshdns.core.Resolver;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers each datagram with one reply datagram to its sender (or none on DROP). Replies are
 * written without flush and flushed once per read batch, so epoll sends them with sendmmsg. Not
 * sharable: one instance per datagram channel owns two reusable scratch arrays, used only on that
 * channel's event loop; per query it allocates only the reply buffer and its DatagramPacket.
 */
final class UdpQueryHandler extends ChannelInboundHandlerAdapter {
    /** The largest UDP payload. */
    static final int MAX_DATAGRAM = 65535;
    private static final Logger log = LoggerFactory.getLogger(UdpQueryHandler.class);

    private final Answerer answerer;
    private final byte[] query = new byte[MAX_DATAGRAM];
    private final byte[] reply = new byte[Resolver.MAX_REPLY];

    UdpQueryHandler(Answerer answerer) {
        this.answerer = answerer;
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
            int replyLength = answerer.answer(query, length, false, reply);
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
}
