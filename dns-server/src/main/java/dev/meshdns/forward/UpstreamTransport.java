package dev.meshdns.forward;

import dev.meshdns.threads.NamedThreadFactory;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * The forwarder's client sockets: a small event loop group of daemon threads {@code
 * meshdns-forward-N} (epoll where available, else NIO, chosen as the listeners choose), and
 * bootstraps for one UDP or TCP channel per upstream query. Thread-safe; {@link #close} once.
 */
final class UpstreamTransport implements AutoCloseable {
    private static final int THREADS = 2;
    /** Room for the largest UDP reply; read once per datagram. */
    private static final int MAX_DATAGRAM = 65535;

    private final boolean epoll;
    private final EventLoopGroup group;

    UpstreamTransport() {
        this.epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(THREADS, NamedThreadFactory.daemonEventLoops("meshdns-forward"), io);
    }

    /** The loop one forward runs on from start to end, so its state needs no lock. */
    EventLoop nextLoop() {
        return group.next();
    }

    /** A UDP channel on {@code loop}, connected to one upstream by {@link Bootstrap#connect}: a fresh ephemeral port. */
    Bootstrap udp(EventLoop loop, ChannelHandler handler) {
        Class<? extends DatagramChannel> type = epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
        return new Bootstrap().group(loop).channel(type)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM))
                .handler(handler);
    }

    /** A TCP connection on {@code loop}, given up after {@code connectTimeoutMillis}. */
    Bootstrap tcp(EventLoop loop, ChannelHandler handler, int connectTimeoutMillis) {
        Class<? extends SocketChannel> type = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        return new Bootstrap().group(loop).channel(type)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.max(1, connectTimeoutMillis))
                .handler(handler);
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
