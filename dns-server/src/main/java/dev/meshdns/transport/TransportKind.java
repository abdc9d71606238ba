package dev.meshdns.transport;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.util.function.Supplier;

/**
 * Native epoll where available, otherwise Java NIO: the IO handler and channel types to use.
 * Immutable.
 */
record TransportKind(String name, boolean epoll, Supplier<IoHandlerFactory> ioHandlers,
                     Class<? extends DatagramChannel> datagramChannel,
                     Class<? extends ServerChannel> serverChannel) {

    static TransportKind detect() {
        if (Epoll.isAvailable()) {
            return new TransportKind("epoll", true, EpollIoHandler::newFactory, EpollDatagramChannel.class,
                    EpollServerSocketChannel.class);
        }
        return nio();
    }

    static TransportKind nio() {
        return new TransportKind("nio", false, NioIoHandler::newFactory, NioDatagramChannel.class,
                NioServerSocketChannel.class);
    }
}
