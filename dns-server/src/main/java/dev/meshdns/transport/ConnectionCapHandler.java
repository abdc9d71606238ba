package dev.meshdns.transport;

import dev.meshdns.admin.Metrics;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * First handler of a TCP connection: admits it against the {@link ConnectionLimits}, closing the
 * connection that made room for it when a cap was full, and gives its slot back when it closes. Not
 * sharable (one per connection, with its {@link ConnectionSlot}); confined to the connection's event
 * loop.
 */
final class ConnectionCapHandler extends ChannelInboundHandlerAdapter {
    private final ConnectionLimits limits;
    private final ConnectionSlot slot;
    private final Metrics metrics;

    ConnectionCapHandler(ConnectionLimits limits, ConnectionSlot slot, Metrics metrics) {
        this.limits = limits;
        this.slot = slot;
        this.metrics = metrics;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ConnectionSlot evicted = limits.admit(slot, System.nanoTime());
        if (evicted != null) {
            metrics.tcpEvicted();
            evicted.channel.close();
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        limits.release(slot);
        ctx.fireChannelInactive();
    }

    /** The address a connection's caps count it under. */
    static InetAddress sourceOf(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress();
        }
        // Non-IP channels (tests, local transports) share one bucket.
        return InetAddress.getLoopbackAddress();
    }
}
