package dev.meshdns.transport;

import dev.meshdns.config.TransportChoice;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * A socket transport of Netty's: io_uring and epoll (native, Linux: one UDP socket per event loop
 * through SO_REUSEPORT, several datagrams per read) or Java NIO (one UDP socket), with its IO
 * handler and channel types. Immutable.
 */
enum TransportKind {
    IO_URING {
        @Override
        Throwable unavailabilityCause() {
            return IoUring.isAvailable() ? null : IoUring.unavailabilityCause();
        }

        @Override
        IoHandlerFactory ioHandlers() {
            return IoUringIoHandler.newFactory();
        }

        @Override
        Class<? extends DatagramChannel> datagramChannel() {
            return IoUringDatagramChannel.class;
        }

        @Override
        Class<? extends ServerChannel> serverChannel() {
            return IoUringServerSocketChannel.class;
        }

        @Override
        ChannelOption<Integer> maxDatagramPayloadSize() {
            return IoUringChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE;
        }
    },
    EPOLL {
        @Override
        Throwable unavailabilityCause() {
            return Epoll.isAvailable() ? null : Epoll.unavailabilityCause();
        }

        @Override
        IoHandlerFactory ioHandlers() {
            return EpollIoHandler.newFactory();
        }

        @Override
        Class<? extends DatagramChannel> datagramChannel() {
            return EpollDatagramChannel.class;
        }

        @Override
        Class<? extends ServerChannel> serverChannel() {
            return EpollServerSocketChannel.class;
        }

        @Override
        ChannelOption<Integer> maxDatagramPayloadSize() {
            return EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE;
        }
    },
    NIO {
        @Override
        Throwable unavailabilityCause() {
            return null;
        }

        @Override
        IoHandlerFactory ioHandlers() {
            return NioIoHandler.newFactory();
        }

        @Override
        Class<? extends DatagramChannel> datagramChannel() {
            return NioDatagramChannel.class;
        }

        @Override
        Class<? extends ServerChannel> serverChannel() {
            return NioServerSocketChannel.class;
        }

        @Override
        ChannelOption<Integer> maxDatagramPayloadSize() {
            return null;
        }
    };

    /**
     * What {@code --transport auto} tries, best first. epoll before io_uring: on dns-compare (zone mode,
     * 2 cores, Netty 4.2.18) io_uring was not better, UDP 0.81-0.88 of Knot's queries/s against
     * epoll's 0.89-0.93, the same CPU per query (11 us), TCP within the noise (1.50-1.53 against 1.18-1.66).
     */
    static final List<TransportKind> AUTO_ORDER = List.of(EPOLL, IO_URING, NIO);

    /** Why this machine cannot use this transport; null when it can. */
    abstract Throwable unavailabilityCause();

    abstract IoHandlerFactory ioHandlers();

    abstract Class<? extends DatagramChannel> datagramChannel();

    abstract Class<? extends ServerChannel> serverChannel();

    /** The option splitting a read buffer into datagram slots (recvmmsg); null when the transport has none. */
    abstract ChannelOption<Integer> maxDatagramPayloadSize();

    /** Native: SO_REUSEPORT with one UDP socket per event loop, and batched datagram reads. */
    boolean isNative() {
        return this != NIO;
    }

    boolean isAvailable() {
        return unavailabilityCause() == null;
    }

    /** {@code io_uring}, {@code epoll} or {@code nio}, as {@code --transport} names it. */
    String cliName() {
        return choice().cliName();
    }

    TransportChoice choice() {
        return TransportChoice.valueOf(name());
    }

    /**
     * The transport {@code choice} asks for, and why: {@code auto} takes the first available of
     * {@link #AUTO_ORDER}; a named one that is not available here is a {@link TransportUnavailableException}.
     */
    static Selected select(TransportChoice choice) throws TransportUnavailableException {
        if (choice != TransportChoice.AUTO) {
            TransportKind kind = valueOf(choice.name());
            Throwable cause = kind.unavailabilityCause();
            if (cause != null) {
                throw new TransportUnavailableException("--transport " + kind.cliName()
                        + " is not available on this machine (" + oneLine(cause)
                        + "); use --transport auto to take the best one available", cause);
            }
            return new Selected(kind, "--transport " + kind.cliName());
        }
        List<String> skipped = new ArrayList<>();
        for (TransportKind kind : AUTO_ORDER) {
            Throwable cause = kind.unavailabilityCause();
            if (cause == null) {
                return new Selected(kind, skipped.isEmpty() ? "--transport auto: the best one"
                        : "--transport auto: " + String.join("; ", skipped));
            }
            skipped.add(kind.cliName() + " is not available (" + oneLine(cause) + ")");
        }
        throw new IllegalStateException("NIO is always available");
    }

    /** A cause and the causes it wraps, on one line. */
    private static String oneLine(Throwable cause) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = cause; t != null && text.length() < 400; t = t.getCause()) {
            if (!text.isEmpty()) {
                text.append(": ");
            }
            text.append(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
        }
        return text.toString().replaceAll("\\s+", " ").trim();
    }

    /**
     * A chosen transport and why it was chosen, for the start-up log line. Immutable.
     *
     * @param kind   the transport
     * @param reason the flag that asked for it, and for {@code auto} the better ones that are not available
     */
    record Selected(TransportKind kind, String reason) {
    }
}
