package dev.meshdns.admin;

import dev.meshdns.config.HostPort;
import dev.meshdns.threads.NamedThreadFactory;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP endpoint: {@code GET /metrics} (Prometheus text), {@code /health}, {@code /ready}
 * (503 with reasons until ready), {@code /names}, {@code /vips} and {@code /upstreams} (JSON debug
 * views). Netty on its own single I/O thread {@code meshdns-admin-io-1}, never the DNS event loops,
 * with the {@link AdminLimits} on every connection; the growing bodies are rendered on two daemon
 * threads {@code meshdns-admin-N}. Thread-safe: {@link #address} and {@link #close} from any thread.
 */
public final class AdminServer implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    private static final int RENDER_THREADS = 2;

    private final EventLoopGroup group;
    private final ExecutorService renderers;
    private final AtomicBoolean closed = new AtomicBoolean();
    private Channel listener;

    private AdminServer(EventLoopGroup group, ExecutorService renderers) {
        this.group = group;
        this.renderers = renderers;
    }

    /** Starts serving on {@code listen} (port 0 picks a free port) without debug views. */
    public static AdminServer start(InetSocketAddress listen, Metrics metrics, Supplier<Readiness> readiness)
            throws IOException {
        return start(listen, metrics, readiness, DebugViews.empty());
    }

    /**
     * Starts serving on {@code listen} (port 0 picks a free port).
     *
     * @throws IllegalArgumentException if {@code metrics} cannot produce Prometheus text
     * @throws IOException if the address cannot be bound
     */
    public static AdminServer start(InetSocketAddress listen, Metrics metrics, Supplier<Readiness> readiness,
            DebugViews views) throws IOException {
        return start(listen, metrics, readiness, views, AdminLimits.defaults());
    }

    static AdminServer start(InetSocketAddress listen, Metrics metrics, Supplier<Readiness> readiness,
            DebugViews views, AdminLimits limits) throws IOException {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(readiness, "readiness");
        Objects.requireNonNull(views, "views");
        if (!metrics.scrapable()) {
            throw new IllegalArgumentException("admin /metrics needs a PrometheusMeterRegistry, got "
                    + metrics.registry().getClass().getName());
        }
        // One I/O thread for the accepts and every connection: AdminConnections is confined to it.
        AdminServer server = new AdminServer(
                new MultiThreadIoEventLoopGroup(1, NamedThreadFactory.daemonEventLoops("meshdns-admin-io"),
                        NioIoHandler.newFactory()),
                Executors.newFixedThreadPool(RENDER_THREADS, NamedThreadFactory.daemon("meshdns-admin")));
        try {
            server.bind(listen, new AdminRoutes(metrics, readiness, views), limits, metrics);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        log.info("Admin HTTP on {}", server.address());
        return server;
    }

    private void bind(InetSocketAddress listen, AdminRoutes routes, AdminLimits limits, Metrics metrics)
            throws IOException {
        ChannelFuture bound = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new AdminChannelInitializer(routes, renderers, limits, metrics))
                .bind(listen)
                .awaitUninterruptibly();
        if (!bound.isSuccess()) {
            Throwable cause = bound.cause();
            throw new IOException("cannot listen on --admin-listen " + HostPort.text(listen) + ": " + cause.getMessage(),
                    cause);
        }
        listener = bound.channel();
    }

    /** The bound address, with the real port when started on port 0. */
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** Stops accepting, drops open connections and stops the admin threads. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        renderers.shutdown();
        try {
            if (!renderers.awaitTermination(1, TimeUnit.SECONDS)) {
                renderers.shutdownNow();
            }
        } catch (InterruptedException e) {
            renderers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
