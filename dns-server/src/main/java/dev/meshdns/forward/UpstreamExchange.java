package dev.meshdns.forward;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * One query to one upstream on its own channel, closed when the exchange ends: sends the query,
 * drops (and counts) replies that do not answer it, and reports the first that does, a timeout or
 * a network error to its {@link UpstreamResult}. Not sharable; everything runs on the channel's
 * event loop, which {@link #start} must be called on.
 */
abstract class UpstreamExchange extends ChannelInboundHandlerAdapter {
    final InetSocketAddress upstream;
    final byte[] query;
    private final int questionEnd;
    private final ForwardMetrics metrics;
    private final UpstreamResult result;
    private Channel channel;
    private ScheduledFuture<?> timer;
    private long sentNanos;
    private boolean done;

    UpstreamExchange(InetSocketAddress upstream, byte[] query, ForwardMetrics metrics, UpstreamResult result) {
        this.upstream = upstream;
        this.query = query;
        this.questionEnd = UpstreamQuery.questionEnd(query);
        this.metrics = metrics;
        this.result = result;
    }

    /** Connects and sends; the result comes within {@code timeoutNanos}. */
    final void start(EventLoop loop, long timeoutNanos) {
        sentNanos = System.nanoTime();
        metrics.upstreamRequest(upstream, tcp());
        timer = loop.schedule(() -> fail(true, "timeout"), timeoutNanos, TimeUnit.NANOSECONDS);
        ChannelFuture connect = connect(loop, timeoutNanos);
        channel = connect.channel();
        connect.addListener(future -> {
            if (!future.isSuccess()) {
                fail(false, reason(future.cause()));
            } else if (!done) {
                send(channel);
            }
        });
    }

    /** Registers and connects the channel with this handler in its pipeline. */
    abstract ChannelFuture connect(EventLoop loop, long timeoutNanos);

    /** Writes the query once the channel is connected. */
    abstract void send(Channel channel);

    abstract boolean tcp();

    /** A message from the upstream: the reply when it answers the query, else dropped. */
    final void received(ByteBuf message) {
        if (done) {
            return;
        }
        int length = message.readableBytes();
        byte[] reply = new byte[length];
        message.getBytes(message.readerIndex(), reply);
        if (!UpstreamQuery.answers(query, questionEnd, reply, length)) {
            metrics.mismatchedReplyDropped(upstream);
            return;
        }
        end();
        metrics.upstreamResponse(upstream, UpstreamQuery.rcode(reply), System.nanoTime() - sentNanos);
        result.answered(reply, length);
    }

    final void fail(boolean timeout, String why) {
        if (done) {
            return;
        }
        end();
        metrics.upstreamFailure(upstream, timeout, System.nanoTime() - sentNanos);
        result.failed(timeout, why);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(false, reason(cause));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fail(false, "connection closed");
    }

    private void end() {
        done = true;
        timer.cancel(false);
        if (channel != null) {
            channel.close();
        }
    }

    static String reason(Throwable cause) {
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
    }
}
