package dev.meshdns.admin;

import dev.meshdns.admin.Metrics.AdminClose;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First handler of an admin connection, before the HTTP codec: counts it in {@link AdminConnections}
 * and keeps its one deadline. The request timer runs from the accept, or from the first byte of a
 * later request, until {@link AdminHttpHandler} has the whole request; the response timer until its
 * answers are written; the idle timer between requests. Byte-level, so a client trickling a header
 * byte at a time cannot reset it (an idle-read timer could not tell it from a live one). Not sharable;
 * confined to the admin I/O loop.
 */
final class AdminConnectionGuard extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(AdminConnectionGuard.class);

    private final AdminConnections connections;
    private final AdminLimits limits;
    private final Metrics metrics;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> deadline;
    private boolean awaitingNextRequest;

    AdminConnectionGuard(AdminConnections connections, AdminLimits limits, Metrics metrics) {
        this.connections = connections;
        this.limits = limits;
        this.metrics = metrics;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        connections.admit(this);
        arm(limits.requestTimeout(), AdminClose.REQUEST_TIMEOUT, "request not complete");
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        connections.touched(this);
        if (awaitingNextRequest) {
            awaitingNextRequest = false;
            arm(limits.requestTimeout(), AdminClose.REQUEST_TIMEOUT, "request not complete");
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        connections.remove(this);
        ctx.fireChannelInactive();
    }

    /** A request is complete: its answers must be written within the response timeout. */
    void responding() {
        awaitingNextRequest = false;
        arm(limits.responseTimeout(), AdminClose.RESPONSE_TIMEOUT, "answer not taken");
    }

    /** Every answer is written: the connection may wait idle for its next request. */
    void idle() {
        connections.touched(this);
        awaitingNextRequest = true;
        arm(limits.idleTimeout(), null, "idle");
    }

    /** Closes the connection to make room for a new one. */
    void evict() {
        close(AdminClose.EVICTED, "evicted as the longest idle of too many connections");
    }

    /** Closes the connection after {@code timeout}, counted under {@code reason} (null: not counted). */
    private void arm(Duration timeout, AdminClose reason, String why) {
        cancel();
        deadline = ctx.executor().schedule(() -> close(reason, why + " within " + timeout.toMillis() + " ms"),
                timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    private void close(AdminClose reason, String why) {
        if (ctx.channel().isOpen()) {
            if (reason != null) {
                metrics.adminConnectionClosed(reason);
            }
            log.debug("Admin connection from {} closed: {}", ctx.channel().remoteAddress(), why);
            ctx.close();
        }
    }
}
