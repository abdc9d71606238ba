package dev.meshdns.transport;

import dev.meshdns.admin.Metrics;
import dev.meshdns.config.HostPort;
import dev.meshdns.config.TransportChoice;
import dev.meshdns.threads.NamedThreadFactory;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.unix.UnixChannelOption;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DNS listeners: UDP and TCP on one address and port, every query counted in {@link Metrics}.
 * With io_uring or epoll, the given number of UDP sockets, each read by its own event loop thread,
 * share the port through SO_REUSEPORT and read in batches (epoll: recvmmsg; io_uring: several recvmsg
 * per submission); with NIO, one UDP socket. Their buffers come from {@link DnsBuffers}.
 * Thread-safety: {@link #bind} and {@link #close} from any thread; handlers run on threads
 * {@code meshdns-udp-N} and {@code meshdns-tcp-N}.
 */
public final class DnsTransport implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(DnsTransport.class);
    private static final int BIND_ATTEMPTS = 5;
    /**
     * Datagrams per recvmmsg (io_uring: recvmsg operations per submission): each gets a slot of the
     * largest UDP payload (a bigger query, e.g. with EDNS padding, must not be cut), and 4 x 64 KiB fits in
     * a chunk of {@link DnsBuffers} (512 KiB), so a read never takes an unpooled buffer.
     */
    private static final int DATAGRAMS_PER_RECVMMSG = 4;
    /** Datagrams read per wake-up (several recvmmsg calls), whose replies go out in one flush. */
    private static final int DATAGRAMS_PER_READ = 32;
    static final int TCP_THREADS = 2;
    /** Socket receive buffer asked for, so a burst is queued rather than dropped (the kernel caps it at rmem_max). */
    private static final int UDP_RECEIVE_BUFFER_BYTES = 4 << 20;

    private final TransportKind kind;
    private final String kindReason;
    private final EventLoopGroup udpGroup;
    private final EventLoopGroup tcpGroup;
    private final int udpSockets;
    private final List<Channel> channels = new ArrayList<>();
    private InetSocketAddress udpAddress;
    private InetSocketAddress tcpAddress;

    private DnsTransport(TransportKind.Selected selected, int udpThreads) {
        this.kind = selected.kind();
        this.kindReason = selected.reason();
        this.udpSockets = kind.isNative() ? udpThreads : 1;
        this.udpGroup = new MultiThreadIoEventLoopGroup(udpSockets, NamedThreadFactory.eventLoops("meshdns-udp"),
                kind.ioHandlers());
        this.tcpGroup = new MultiThreadIoEventLoopGroup(TCP_THREADS, NamedThreadFactory.eventLoops("meshdns-tcp"),
                kind.ioHandlers());
    }

    /**
     * Binds UDP and TCP to {@code listen} on the transport {@code choice} names (else
     * {@link TransportUnavailableException}), with {@code udpThreads} UDP sockets and event loops when
     * it is native (1 or more), answering with {@code answerer} and counting every query in
     * {@code metrics}. With port 0, UDP gets a free port and TCP the same number, retried with
     * another port a few times if TCP finds it taken.
     */
    public static DnsTransport bind(TransportChoice choice, int udpThreads, InetSocketAddress listen,
                                    TcpLimits tcpLimits, Answerer answerer, Metrics metrics) throws IOException {
        if (udpThreads < 1) {
            throw new IllegalArgumentException("udpThreads must be 1 or more (got " + udpThreads + ")");
        }
        DnsTransport transport = new DnsTransport(TransportKind.select(choice), udpThreads);
        try {
            transport.bindBoth(listen, tcpLimits, counted(answerer, metrics), metrics);
            return transport;
        } catch (IOException | RuntimeException e) {
            transport.close();
            throw e;
        }
    }

    /** The answerer the handlers call: nothing it throws reaches Netty, and every query is counted once. */
    static Answerer counted(Answerer answerer, Metrics metrics) {
        // Counting inside the guard: a throw passes the counting uncounted, and the guard counts it
        // as an answer failure.
        return new GuardedAnswerer(new CountingAnswerer(answerer, metrics), metrics);
    }

    /** Where UDP listens (the real port when 0 was asked for). */
    public InetSocketAddress udpAddress() {
        return udpAddress;
    }

    /** How many UDP sockets (each with its own event loop thread) share the port. */
    public int udpSockets() {
        return udpSockets;
    }

    /** Where TCP listens. */
    public InetSocketAddress tcpAddress() {
        return tcpAddress;
    }

    /** "io_uring", "epoll" or "nio". */
    public String kindName() {
        return kind.cliName();
    }

    /** Why this transport: the flag, and with {@code auto} the better ones that are not available here. */
    public String kindReason() {
        return kindReason;
    }

    private void bindBoth(InetSocketAddress listen, TcpLimits tcpLimits, Answerer answerer, Metrics metrics)
            throws IOException {
        for (int attempt = 1; ; attempt++) {
            List<Channel> udp = bindUdp(listen, answerer, metrics);
            InetSocketAddress bound = (InetSocketAddress) udp.get(0).localAddress();
            InetSocketAddress tcpListen = new InetSocketAddress(listen.getAddress(), bound.getPort());
            try {
                Channel tcp = bindTcp(tcpListen, tcpLimits, answerer, metrics);
                channels.addAll(udp);
                channels.add(tcp);
                udpAddress = bound;
                tcpAddress = (InetSocketAddress) tcp.localAddress();
                return;
            } catch (IOException e) {
                udp.forEach(channel -> channel.close().syncUninterruptibly());
                if (listen.getPort() != 0 || attempt == BIND_ATTEMPTS) {
                    throw e;
                }
                log.debug("tcp port {} taken, trying another free port", bound.getPort());
            }
        }
    }

    private List<Channel> bindUdp(InetSocketAddress listen, Answerer answerer, Metrics metrics) throws IOException {
        Bootstrap bootstrap = new Bootstrap()
                .group(udpGroup)
                .channel(kind.datagramChannel())
                .option(ChannelOption.ALLOCATOR, DnsBuffers.ALLOCATOR)
                .option(ChannelOption.SO_RCVBUF, UDP_RECEIVE_BUFFER_BYTES)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(new UdpQueryHandler(answerer, metrics));
                    }
                });
        if (kind.isNative()) {
            bootstrap.option(UnixChannelOption.SO_REUSEPORT, true)
                    .option(kind.maxDatagramPayloadSize(), UdpQueryHandler.MAX_DATAGRAM)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, (kind == TransportKind.EPOLL
                            ? new ShortReadStops(UdpQueryHandler.MAX_DATAGRAM * DATAGRAMS_PER_RECVMMSG)
                            : new FixedRecvByteBufAllocator(UdpQueryHandler.MAX_DATAGRAM * DATAGRAMS_PER_RECVMMSG))
                            .maxMessagesPerRead(DATAGRAMS_PER_READ));
        } else {
            bootstrap.option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(UdpQueryHandler.MAX_DATAGRAM)
                    .maxMessagesPerRead(DATAGRAMS_PER_READ));
        }
        List<Channel> bound = new ArrayList<>(udpSockets);
        InetSocketAddress address = listen;
        try {
            for (int i = 0; i < udpSockets; i++) {
                Channel channel = bound(bootstrap.bind(address), "udp", address);
                bound.add(channel);
                address = (InetSocketAddress) channel.localAddress();
            }
        } catch (IOException e) {
            bound.forEach(channel -> channel.close().syncUninterruptibly());
            throw e;
        }
        return bound;
    }

    private Channel bindTcp(InetSocketAddress listen, TcpLimits tcpLimits, Answerer answerer, Metrics metrics)
            throws IOException {
        return bound(new ServerBootstrap()
                .group(tcpGroup)
                .channel(kind.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.ALLOCATOR, DnsBuffers.ALLOCATOR)
                .childOption(ChannelOption.ALLOCATOR, DnsBuffers.ALLOCATOR)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new TcpChannelInitializer(tcpLimits, answerer, metrics))
                .bind(listen), "tcp", listen);
    }

    /** Waits for a bind; Netty reports failures unchecked, this says which socket failed. */
    private static Channel bound(ChannelFuture future, String protocol, InetSocketAddress address)
            throws IOException {
        future.awaitUninterruptibly();
        if (!future.isSuccess()) {
            Throwable cause = future.cause();
            throw new IOException("cannot listen on --dns-listen " + HostPort.text(address) + " (" + protocol + "): "
                    + cause.getMessage(), cause);
        }
        return future.channel();
    }

    /** Closes the sockets and shuts the event loops down, waiting for them. Idempotent. */
    @Override
    public void close() {
        channels.forEach(channel -> channel.close().syncUninterruptibly());
        channels.clear();
        udpGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        tcpGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
