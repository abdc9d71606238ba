package dev.meshdns.transport;

import dev.meshdns.admin.Metrics;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * The TCP pipeline, in order: connection caps, 2-byte length framing, idle timer, query handler.
 * The idle timer sits after the frame decoder so that only a complete message resets it (RFC
 * 7766), and it watches reads only, so our own replies do not keep a silent client alive.
 * Sharable and thread-safe (stateless apart from the shared limits).
 */
final class TcpChannelInitializer extends ChannelInitializer<Channel> {
    private static final int MAX_FRAME = 65535;

    private final ConnectionLimits limits;
    private final long idleMillis;
    private final Answerer answerer;
    private final Metrics metrics;

    TcpChannelInitializer(TcpLimits tcpLimits, Answerer answerer, Metrics metrics) {
        this.metrics = metrics;
        this.limits = new ConnectionLimits(tcpLimits.maxConnections(), tcpLimits.maxConnectionsPerSource());
        this.idleMillis = tcpLimits.idleTimeout().toMillis();
        this.answerer = answerer;
    }

    @Override
    protected void initChannel(Channel channel) {
        configure(channel.pipeline());
    }

    /** Adds the handlers; separate so tests can build the same pipeline on an EmbeddedChannel. */
    void configure(ChannelPipeline pipeline) {
        pipeline.addLast("caps", new ConnectionCapHandler(limits));
        pipeline.addLast("framing", new LengthFieldBasedFrameDecoder(MAX_FRAME, 0, 2, 0, 2));
        pipeline.addLast("idle", new IdleStateHandler(idleMillis, 0, 0, TimeUnit.MILLISECONDS));
        pipeline.addLast("query", new TcpQueryHandler(answerer, metrics));
    }

    ConnectionLimits limits() {
        return limits;
    }
}
