package dev.meshdns.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * First handler of a TCP connection: admits it against the {@link ConnectionLimits} or closes it
 * at once, and gives its slot back when it closes. Not sharable (remembers whether it holds a
 * slot); confined to the connection's event loop.
 */
final class ConnectionCapHandler extends ChannelInboundHandlerAdapter {
    private final ConnectionLimits limits;
    private InetAddress admitted;

    ConnectionCapHandler(ConnectionLimits limits) {
        this.limits = limits;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        InetAddress source = sourceOf(ctx.channel().remoteAddress());
        if (!limits.tryAcquire(source)) {
            ctx.close();
            return;
        }
        admitted = source;
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (admitted != null) {
            limits.release(admitted);
            admitted = null;
        }
        ctx.fireChannelInactive();
    }

    private static InetAddress sourceOf(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress();
        }
        // Non-IP channels (tests, local transports) share one bucket.
        return InetAddress.getLoopbackAddress();
    }
}
