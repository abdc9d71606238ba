package dev.meshdns.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The admin pipeline (guard, codec, handler) on an EmbeddedChannel with its clock and renderers in hand. */
class AdminHttpHandlerTest {
    private static final AdminLimits LIMITS = new AdminLimits(Duration.ofSeconds(5), Duration.ofSeconds(30),
            Duration.ofSeconds(30), 4096, 8192, 4096, 64);

    private final List<Runnable> renderers = new ArrayList<>();
    private final Metrics metrics = Metrics.prometheus();
    private final AdminChannelInitializer initializer = new AdminChannelInitializer(
            new AdminRoutes(metrics, () -> Readiness.READY, DebugViews.empty()), renderers::add, LIMITS, metrics);
    private final EmbeddedChannel channel = new EmbeddedChannel(initializer);

    @AfterEach
    void finish() {
        channel.finishAndReleaseAll();
    }

    @Test
    void pipelinedRequestsAreAnsweredInRequestOrder() {
        send("GET /metrics HTTP/1.1\r\nHost: a\r\n\r\nGET /health HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(answers()).as("health waits behind the metrics being rendered").isEmpty();

        render();

        String answers = answers();
        assertThat(answers).startsWith("HTTP/1.1 200 OK\r\n").contains("text/plain; version=0.0.4").endsWith("\r\n\r\nok\n");
        assertThat(answers.indexOf("version=0.0.4")).isLessThan(answers.indexOf("\r\n\r\nok\n"));
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void smallBodyIsDiscardedAndTheConnectionServesTheNextRequest() {
        send("POST /ready HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhelloGET /health HTTP/1.1\r\nHost: a\r\n\r\n");

        String answers = answers();
        assertThat(answers).startsWith("HTTP/1.1 405 Method Not Allowed\r\n").contains("allow: GET\r\n")
                .contains("method not allowed\n").endsWith("HTTP/1.1 200 OK\r\n"
                        + "content-type: text/plain; charset=utf-8\r\ncache-control: no-store\r\ncontent-length: 3\r\n\r\nok\n");
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void declaredBodyOverTheLimitIsAnswered413AndTheConnectionClosed() {
        send("POST /not-here HTTP/1.1\r\nHost: a\r\nContent-Length: 4097\r\n\r\n");

        assertThat(answers()).startsWith("HTTP/1.1 413 Request Entity Too Large\r\n")
                .contains("connection: close\r\n").endsWith("request body too large\n");
        assertThat(channel.isOpen()).isFalse();
        assertThat(closed("too_large")).isEqualTo(1);
    }

    @Test
    void chunkedBodyIsAnswered413AndClosedAsSoonAsItPassesTheLimit() {
        send("POST /not-here HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1000\r\n" + "x".repeat(4096)
                + "\r\n");
        assertThat(answers()).as("4 KiB is within the limit").isEmpty();

        send("1\r\nx\r\n");

        assertThat(answers()).startsWith("HTTP/1.1 413 ");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void requestLineOverTheLimitIsAnswered414AndClosed() {
        send("GET /" + "a".repeat(4100) + " HTTP/1.1\r\n");

        assertThat(answers()).startsWith("HTTP/1.1 414 ").endsWith("request line too long\n");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void headersOverTheLimitAreAnswered431AndClosed() {
        send("GET /health HTTP/1.1\r\nHost: a\r\nX-Big: " + "b".repeat(8200) + "\r\n");

        assertThat(answers()).startsWith("HTTP/1.1 431 ").endsWith("request headers too large\n");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void malformedRequestIsAnswered400AndClosed() {
        send("GET /health HTTP/1.1\r\nHost: a\r\nContent-Length: lots\r\n\r\n");

        assertThat(answers()).startsWith("HTTP/1.1 400 ").endsWith("bad request\n");
        assertThat(channel.isOpen()).isFalse();
        assertThat(closed("bad_request")).isEqualTo(1);
    }

    @Test
    void headIsAnswered405WithoutABody() {
        send("HEAD /health HTTP/1.1\r\nHost: a\r\n\r\n");

        assertThat(answers()).startsWith("HTTP/1.1 405 ").contains("allow: GET\r\n").endsWith("\r\n\r\n");
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void http10RequestIsAnsweredAndClosed() {
        send("GET /health HTTP/1.0\r\n\r\n");

        assertThat(answers()).startsWith("HTTP/1.1 200 ").contains("connection: close\r\n").endsWith("ok\n");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void expectContinueGetsAContinueThenTheAnswer() {
        send("POST /ready HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
        assertThat(answers()).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");

        send("abc");

        assertThat(answers()).startsWith("HTTP/1.1 405 ");
    }

    @Test
    void requestNotCompleteWithinTheTimeoutIsClosedWhateverTrickles() {
        send("GET /health HTTP/1.1\r\nX-Slow: ");
        for (int second = 1; second <= 4; second++) {
            advanceSeconds(1);
            send("a");
            assertThat(channel.isOpen()).as("after %d s", second).isTrue();
        }

        advanceSeconds(1);

        assertThat(channel.isOpen()).isFalse();
        assertThat(answers()).isEmpty();
        assertThat(closed("request_timeout")).isEqualTo(1);
        assertThat(closed("bad_request")).as("the half request is not answered once closed").isZero();
    }

    @Test
    void keepAliveConnectionIsClosedAfterTheIdleTimeoutAndItsNextRequestTimed() {
        send("GET /health HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(answers()).endsWith("ok\n");
        advanceSeconds(29);
        assertThat(channel.isOpen()).as("idle within the idle timeout").isTrue();

        send("GET /health HTTP/1.1\r\n");
        advanceSeconds(5);

        assertThat(channel.isOpen()).as("the next request had its 5 s").isFalse();
    }

    @Test
    void idleKeepAliveConnectionIsClosedAfterTheIdleTimeout() {
        send("GET /health HTTP/1.1\r\nHost: a\r\n\r\n");
        answers();

        advanceSeconds(30);

        assertThat(channel.isOpen()).isFalse();
        assertThat(closed("request_timeout") + closed("response_timeout")).as("idling is no fault").isZero();
    }

    @Test
    void answerNotTakenWithinTheResponseTimeoutClosesTheConnection() {
        send("GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n");

        advanceSeconds(30);

        assertThat(channel.isOpen()).isFalse();
        assertThat(closed("response_timeout")).isEqualTo(1);
    }

    @Test
    void tooManyPipelinedRequestsCloseTheConnection() {
        send("GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n".repeat(9));

        assertThat(channel.isOpen()).isFalse();
        assertThat(closed("pipelined")).isEqualTo(1);
    }

    private double closed(String reason) {
        return metrics.registry().get("meshdns.admin.connections.closed").tag("reason", reason).counter().count();
    }

    private void send(String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
        channel.runPendingTasks();
    }

    private void render() {
        while (!renderers.isEmpty()) {
            renderers.remove(0).run();
            channel.runPendingTasks();
        }
    }

    private void advanceSeconds(long seconds) {
        channel.advanceTimeBy(seconds, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
    }

    /** Everything written since the last call, as text. */
    private String answers() {
        StringBuilder text = new StringBuilder();
        for (ByteBuf written; (written = channel.readOutbound()) != null; ) {
            text.append(written.toString(StandardCharsets.ISO_8859_1));
            written.release();
        }
        return text.toString();
    }
}
