package dev.meshdns.forward;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A query over TCP on its own connection (RFC 7766, 2-byte length framing), used after an
 * upstream truncated its UDP reply. Not sharable; runs on its channel's event loop.
 */
final class UpstreamTcpExchange extends UpstreamExchange {
    private static final int MAX_MESSAGE = 65535;
    private final UpstreamTransport transport;

    UpstreamTcpExchange(UpstreamTransport transport, InetSocketAddress upstream, byte[] query, ForwardMetrics metrics,
                        UpstreamResult result) {
        super(upstream, query, metrics, result);
        this.transport = transport;
    }

    @Override
    ChannelFuture connect(EventLoop loop, long timeoutNanos) {
        UpstreamTcpExchange handler = this;
        int connectMillis = (int) Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
        return transport.tcp(loop, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.pipeline().addLast(new LengthFieldBasedFrameDecoder(MAX_MESSAGE, 0, 2, 0, 2), handler);
            }
        }, connectMillis).connect(upstream);
    }

    @Override
    void send(Channel channel) {
        ByteBuf framed = channel.alloc().buffer(2 + query.length);
        framed.writeShort(query.length).writeBytes(query);
        channel.writeAndFlush(framed).addListener(future -> {
            if (!future.isSuccess()) {
                fail(false, reason(future.cause()));
            }
        });
    }

    @Override
    boolean tcp() {
        return true;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof ByteBuf frame) {
                received(frame);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }
}
