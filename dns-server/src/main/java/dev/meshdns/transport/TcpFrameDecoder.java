package dev.meshdns.transport;

import dev.meshdns.admin.Metrics;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ScheduledFuture;

/**
 * RFC 7766 framing (a 2-byte length before each message) that also times each message: once its
 * first bytes are in, the rest must follow within the message timeout, or the connection is closed
 * (section 6.2.3; Knot's {@code tcp-io-timeout}). A client that sends a length and stalls so holds a
 * connection for that long, not for the idle timeout. Tells the connection's {@link ConnectionSlot}
 * whether a message is under way. Not sharable; confined to the connection's event loop.
 */
final class TcpFrameDecoder extends LengthFieldBasedFrameDecoder {
    private static final int MAX_FRAME = 65535;

    private final ConnectionSlot slot;
    private final long timeoutNanos;
    private final Metrics metrics;
    private final Runnable expire = this::expired;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    private boolean decoded;

    TcpFrameDecoder(ConnectionSlot slot, long timeoutNanos, Metrics metrics) {
        super(MAX_FRAME, 0, 2, 0, 2);
        this.slot = slot;
        this.timeoutNanos = timeoutNanos;
        this.metrics = metrics;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        super.handlerAdded(ctx);
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        Object frame = super.decode(ctx, in);
        decoded |= frame != null;
        return frame;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        decoded = false;
        super.channelRead(ctx, msg);
        if (!ctx.channel().isActive()) {
            return;
        }
        boolean partialLeft = internalBuffer().isReadable();
        long now = System.nanoTime();
        if (decoded) {
            slot.messageCompleted(now, partialLeft);
            stopTimer();
        } else if (partialLeft && timer == null) {
            slot.messageStarted(now);
        }
        if (partialLeft && timer == null) {
            timer = ctx.executor().schedule(expire, timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stopTimer();
        super.channelInactive(ctx);
    }

    private void expired() {
        timer = null;
        if (!ctx.channel().isActive()) {
            return;
        }
        if (!ctx.channel().config().isAutoRead()) {
            // We stopped reading (the client does not read its replies): the rest may be waiting for us.
            timer = ctx.executor().schedule(expire, timeoutNanos, TimeUnit.NANOSECONDS);
            return;
        }
        metrics.tcpTimedOut(true);
        ctx.close();
    }

    private void stopTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
