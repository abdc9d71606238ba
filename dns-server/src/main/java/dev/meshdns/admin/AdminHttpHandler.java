package dev.meshdns.admin;

import dev.meshdns.admin.AdminRoutes.Endpoint;
import dev.meshdns.admin.AdminRoutes.Reply;
import dev.meshdns.admin.AdminRoutes.Route;
import dev.meshdns.admin.Metrics.AdminClose;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP handler of one connection, after the codec: routes each request from its head,
 * discards a body of up to {@link AdminLimits#maxBodyBytes} (answering once it has arrived), and
 * answers a bigger one 413 and closes without reading it. Answers go out in request order (pipelined
 * requests included); while any is pending the connection does not read. Constant-time endpoints are
 * answered on the I/O loop, rendered ones ({@link Endpoint#rendered}) on the renderers, so a big
 * {@code /names} never delays a probe on another connection. Not sharable; confined to the admin I/O loop.
 */
final class AdminHttpHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(AdminHttpHandler.class);
    /** Pipelined requests waiting for their answers beyond which the connection is closed. */
    private static final int MAX_PENDING = 8;

    private final AdminRoutes routes;
    private final Executor renderers;
    private final AdminConnectionGuard guard;
    private final int maxBodyBytes;
    private final Metrics metrics;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    /** The request whose body is arriving, or null between requests. */
    private Pending receiving;
    private long bodyBytes;
    /** A closing answer is queued: whatever else arrives is dropped unread. */
    private boolean closing;

    AdminHttpHandler(AdminRoutes routes, Executor renderers, AdminConnectionGuard guard, int maxBodyBytes,
                     Metrics metrics) {
        this.routes = routes;
        this.renderers = renderers;
        this.guard = guard;
        this.maxBodyBytes = maxBodyBytes;
        this.metrics = metrics;
    }

    /** One request: how to answer it and, once known, the answer. */
    private static final class Pending {
        final boolean head;
        final boolean keepAlive;
        final HttpVersion version;
        final Route route;
        Reply reply;

        Pending(HttpRequest request, Route route) {
            this.head = HttpMethod.HEAD.equals(request.method());
            this.keepAlive = HttpUtil.isKeepAlive(request);
            this.version = request.protocolVersion();
            this.route = route;
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (!closing && msg instanceof HttpRequest request) {
                onHead(ctx, request);
            }
            if (!closing && receiving != null && msg instanceof HttpContent content) {
                onContent(ctx, content);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHead(ChannelHandlerContext ctx, HttpRequest request) {
        if (!ctx.channel().isActive()) {
            return; // the codec's last word on a connection closed mid-request: nobody to answer
        }
        DecoderResult result = request.decoderResult();
        if (result.isFailure()) {
            answerAndClose(ctx, request, malformed(result.cause()));
            return;
        }
        if (HttpUtil.getContentLength(request, -1L) > maxBodyBytes) {
            answerAndClose(ctx, request, AdminRoutes.BODY_TOO_LARGE);
            return;
        }
        receiving = new Pending(request, routes.route(request.method(), request.uri()));
        bodyBytes = 0;
        // Not while earlier answers are pending: it would overtake them (the client sends the body anyway, later).
        if (HttpUtil.is100ContinueExpected(request) && pending.isEmpty()) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                    Unpooled.EMPTY_BUFFER));
        }
    }

    private void onContent(ChannelHandlerContext ctx, HttpContent content) {
        bodyBytes += content.content().readableBytes();
        if (content.decoderResult().isFailure()) {
            answerAndClose(ctx, receiving, AdminRoutes.BAD_REQUEST);
        } else if (bodyBytes > maxBodyBytes) {
            // A chunked body gives no length up front: refused as soon as it passes the limit.
            answerAndClose(ctx, receiving, AdminRoutes.BODY_TOO_LARGE);
        } else if (content instanceof LastHttpContent) {
            Pending complete = receiving;
            receiving = null;
            queue(ctx, complete);
        }
    }

    private static Reply malformed(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return AdminRoutes.URI_TOO_LONG;
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return AdminRoutes.HEADERS_TOO_LARGE;
        }
        return AdminRoutes.BAD_REQUEST;
    }

    private void answerAndClose(ChannelHandlerContext ctx, HttpRequest request, Reply reply) {
        answerAndClose(ctx, new Pending(request, null), reply);
    }

    private void answerAndClose(ChannelHandlerContext ctx, Pending request, Reply reply) {
        metrics.adminConnectionClosed(reply.closes());
        receiving = null;
        closing = true;
        request.reply = reply;
        queue(ctx, request);
    }

    /** Queues a complete request behind the ones before it, and stops reading until all are answered. */
    private void queue(ChannelHandlerContext ctx, Pending request) {
        pending.add(request);
        if (pending.size() > MAX_PENDING) {
            metrics.adminConnectionClosed(AdminClose.PIPELINED);
            log.debug("Admin connection from {} closed: over {} pipelined requests", ctx.channel().remoteAddress(),
                    MAX_PENDING);
            ctx.close();
            return;
        }
        guard.responding();
        ctx.channel().config().setAutoRead(false);
        if (request.reply == null) { // else answered from the head already
            Route route = request.route;
            if (route.endpoint() == null) {
                request.reply = route.early();
            } else if (route.endpoint().rendered) {
                render(ctx, request, route.endpoint());
                return;
            } else {
                request.reply = routes.serve(route.endpoint());
            }
        }
        writeReady(ctx);
    }

    private void render(ChannelHandlerContext ctx, Pending request, Endpoint endpoint) {
        try {
            renderers.execute(() -> {
                Reply reply = routes.serve(endpoint);
                try {
                    ctx.executor().execute(() -> {
                        request.reply = reply;
                        writeReady(ctx);
                    });
                } catch (RejectedExecutionException e) {
                    // The server closed meanwhile, and its connections with it.
                }
            });
        } catch (RejectedExecutionException e) {
            ctx.close(); // the server is closing
        }
    }

    /** Writes the answers at the head of the queue that are ready, in order. */
    private void writeReady(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive()) {
            pending.clear();
            return;
        }
        boolean wrote = false;
        while (!pending.isEmpty() && pending.peek().reply != null) {
            Pending answered = pending.poll();
            boolean keepAlive = answered.keepAlive && answered.reply.closes() == null;
            ChannelFuture written = ctx.write(response(answered, keepAlive));
            wrote = true;
            if (!keepAlive) {
                closing = true;
                pending.clear();
                written.addListener(ChannelFutureListener.CLOSE);
            } else if (pending.isEmpty()) {
                written.addListener(future -> {
                    if (!future.isSuccess()) {
                        ctx.close();
                    } else if (pending.isEmpty() && !closing) {
                        guard.idle();
                        ctx.channel().config().setAutoRead(true);
                    }
                });
            }
        }
        if (wrote) {
            ctx.flush();
        }
    }

    private static FullHttpResponse response(Pending request, boolean keepAlive) {
        Reply reply = request.reply;
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, reply.status(),
                request.head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(reply.body()));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, reply.contentType())
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, reply.body().length);
        if (reply.allow() != null) {
            response.headers().set(HttpHeaderNames.ALLOW, reply.allow());
        }
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (!request.version.isKeepAliveDefault()) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        return response;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("Admin connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
