package dev.meshdns.transport;

import dev.meshdns.admin.Metrics;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * The TCP pipeline, in order: connection caps, 2-byte length framing with its message timer, idle
 * timer, query handler. The idle timer sits after the frame decoder so that only a complete message
 * resets it (RFC 7766), and it watches reads only, so our own replies do not keep a silent client
 * alive; a message begun and not finished is the frame decoder's short timeout. Sharable and
 * thread-safe (stateless apart from the shared limits).
 */
final class TcpChannelInitializer extends ChannelInitializer<Channel> {
    private final ConnectionLimits limits;
    private final long idleMillis;
    private final long messageTimeoutNanos;
    private final Answerer answerer;
    private final Metrics metrics;

    TcpChannelInitializer(TcpLimits tcpLimits, Answerer answerer, Metrics metrics) {
        this.metrics = metrics;
        this.limits = new ConnectionLimits(tcpLimits.maxConnections(), tcpLimits.maxConnectionsPerSource());
        this.idleMillis = tcpLimits.idleTimeout().toMillis();
        this.messageTimeoutNanos = tcpLimits.messageTimeout().toNanos();
        this.answerer = answerer;
    }

    @Override
    protected void initChannel(Channel channel) {
        configure(channel.pipeline());
    }

    /** Adds the handlers; separate so tests can build the same pipeline on an EmbeddedChannel. */
    void configure(ChannelPipeline pipeline) {
        ConnectionSlot slot = new ConnectionSlot(ConnectionCapHandler.sourceOf(pipeline.channel().remoteAddress()),
                pipeline.channel());
        pipeline.addLast("caps", new ConnectionCapHandler(limits, slot, metrics));
        pipeline.addLast("framing", new TcpFrameDecoder(slot, messageTimeoutNanos, metrics));
        pipeline.addLast("idle", new IdleStateHandler(idleMillis, 0, 0, TimeUnit.MILLISECONDS));
        pipeline.addLast("query", new TcpQueryHandler(answerer, metrics, slot));
    }

    ConnectionLimits limits() {
        return limits;
    }
}
