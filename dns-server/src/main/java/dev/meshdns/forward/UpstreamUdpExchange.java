package dev.meshdns.forward;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;

/**
 * A query over UDP on its own socket: bound to a fresh ephemeral port (the kernel picks it at
 * random) and connected to the upstream, so the kernel drops datagrams from any other source.
 * Not sharable; runs on its channel's event loop.
 */
final class UpstreamUdpExchange extends UpstreamExchange {
    private final UpstreamTransport transport;

    UpstreamUdpExchange(UpstreamTransport transport, InetSocketAddress upstream, byte[] query, ForwardMetrics metrics,
                        UpstreamResult result) {
        super(upstream, query, metrics, result);
        this.transport = transport;
    }

    @Override
    ChannelFuture connect(EventLoop loop, long timeoutNanos) {
        return transport.udp(loop, this).connect(upstream);
    }

    @Override
    void send(Channel channel) {
        channel.writeAndFlush(Unpooled.wrappedBuffer(query)).addListener(future -> {
            if (!future.isSuccess()) {
                fail(false, reason(future.cause()));
            }
        });
    }

    @Override
    boolean tcp() {
        return false;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof DatagramPacket packet) {
                received(packet.content());
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // ICMP port unreachable on a connected socket: nobody listens there, no need to wait for the timeout.
        fail(false, cause instanceof PortUnreachableException ? "port unreachable" : reason(cause));
    }
}
