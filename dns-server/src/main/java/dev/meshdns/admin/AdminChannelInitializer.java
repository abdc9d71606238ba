package dev.meshdns.admin;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import java.util.concurrent.Executor;

/**
 * The admin connection pipeline, in order: the connection guard (cap and deadlines, on raw bytes),
 * the HTTP codec (line and header limits), the admin handler. Sharable; its connection registry is
 * confined to the admin I/O loop that runs every channel it initializes.
 */
final class AdminChannelInitializer extends ChannelInitializer<Channel> {
    private static final int MAX_CHUNK_BYTES = 8192;

    private final AdminRoutes routes;
    private final Executor renderers;
    private final Metrics metrics;
    private final AdminLimits limits;
    private final AdminConnections connections;
    private final HttpDecoderConfig decoding;

    AdminChannelInitializer(AdminRoutes routes, Executor renderers, AdminLimits limits, Metrics metrics) {
        this.routes = routes;
        this.renderers = renderers;
        this.metrics = metrics;
        this.limits = limits;
        this.connections = new AdminConnections(limits.maxConnections());
        this.decoding = new HttpDecoderConfig()
                .setMaxInitialLineLength(limits.maxInitialLineBytes())
                .setMaxHeaderSize(limits.maxHeaderBytes())
                .setMaxChunkSize(MAX_CHUNK_BYTES);
    }

    @Override
    protected void initChannel(Channel channel) {
        configure(channel.pipeline());
    }

    /** Adds the handlers; separate so tests can build the same pipeline on an EmbeddedChannel. */
    void configure(ChannelPipeline pipeline) {
        AdminConnectionGuard guard = new AdminConnectionGuard(connections, limits, metrics);
        pipeline.addLast("guard", guard);
        pipeline.addLast("codec", new HttpServerCodec(decoding));
        pipeline.addLast("admin", new AdminHttpHandler(routes, renderers, guard, limits.maxBodyBytes(), metrics));
    }

    AdminConnections connections() {
        return connections;
    }
}
