package dev.meshdns.transport;

import dev.meshdns.admin.Metrics;
import dev.meshdns.core.Resolver;
import dev.meshdns.forward.ReplySink;
import dev.meshdns.wire.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers each length-stripped TCP frame in order, writing a 2-byte length and the reply (RFC
 * 7766); pipelined queries are all answered. Closes the connection on a frame shorter than a DNS
 * header or with QR=1 (a response: never reflect), and on idle. Stops reading while the client
 * does not read its replies. Not sharable (per-connection state); the scratch arrays are per
 * event loop thread, since answering is synchronous on that thread.
 */
final class TcpQueryHandler extends ChannelInboundHandlerAdapter {
    private static final int HEADER_BYTES = 12;
    private static final Logger log = LoggerFactory.getLogger(TcpQueryHandler.class);
    private static final FastThreadLocal<byte[][]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[][] initialValue() {
            return new byte[][] {new byte[Resolver.MAX_REPLY], new byte[Resolver.MAX_REPLY]};
        }
    };

    private final Answerer answerer;
    private final Metrics metrics;
    private final ConnectionSlot slot;
    private final Connection client = new Connection();
    private boolean closing;

    TcpQueryHandler(Answerer answerer, Metrics metrics, ConnectionSlot slot) {
        this.answerer = answerer;
        this.metrics = metrics;
        this.slot = slot;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        client.channel = ctx.channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf frame)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            if (closing) {
                return;
            }
            if (!isQuery(frame)) {
                close(ctx);
                return;
            }
            answer(ctx, frame);
        } finally {
            frame.release();
        }
    }

    private static boolean isQuery(ByteBuf frame) {
        return frame.readableBytes() >= HEADER_BYTES && (frame.getByte(frame.readerIndex() + 2) & 0x80) == 0;
    }

    private void answer(ChannelHandlerContext ctx, ByteBuf frame) {
        byte[][] scratch = SCRATCH.get();
        byte[] query = scratch[0];
        byte[] reply = scratch[1];
        int length = frame.readableBytes();
        frame.getBytes(frame.readerIndex(), query, 0, length);
        client.arrivalNanos = System.nanoTime();
        int replyLength = answerer.answer(query, length, client, reply);
        if (replyLength == Answerer.LATER) {
            slot.queryPending(); // its sink calls queryDone (maybe already has: the count may dip below 0)
        }
        if (replyLength <= 0) {
            return;
        }
        ctx.write(framed(ctx.channel(), reply, replyLength), ctx.voidPromise());
        if (!ctx.channel().isWritable()) {
            // The client is not reading its replies: stop reading its queries until it does.
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            ctx.channel().config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            metrics.tcpTimedOut(false);
            close(ctx);
        } else {
            ReferenceCountUtil.release(event);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("tcp connection {} failed", ctx.channel().remoteAddress(), cause);
        close(ctx);
    }

    private static ByteBuf framed(Channel channel, byte[] reply, int length) {
        ByteBuf out = channel.alloc().directBuffer(2 + length);
        out.writeShort(length);
        out.writeBytes(reply, 0, length);
        return out;
    }

    /** The connection as the answerer's client; a later reply is written to it (if still open) when it comes. */
    private final class Connection implements Client {
        Channel channel;
        long arrivalNanos;

        @Override
        public boolean tcp() {
            return true;
        }

        @Override
        public long arrivalNanos() {
            return arrivalNanos;
        }

        @Override
        public InetAddress address() {
            return channel.remoteAddress() instanceof InetSocketAddress inet && inet.getAddress() != null
                    ? inet.getAddress() : InetAddress.getLoopbackAddress();
        }

        @Override
        public ReplySink get() {
            Channel to = channel;
            long arrival = arrivalNanos;
            return (bytes, length) -> {
                slot.queryDone();
                metrics.response(Metrics.TCP, Wire.fullRcode(bytes, length), length, System.nanoTime() - arrival);
                if (to.isActive()) {
                    to.writeAndFlush(framed(to, bytes, length), to.voidPromise());
                }
            };
        }
    }

    private void close(ChannelHandlerContext ctx) {
        closing = true;
        // Send the replies already written for earlier frames of this batch, then close.
        ctx.flush();
        ctx.close();
    }
}
