package dev.meshdns.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.admin.Metrics;
import io.netty.buffer.ByteBuf;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TcpQueryHandlerTest {
    private final EchoAnswerer answerer = new EchoAnswerer();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final TcpChannelInitializer initializer = new TcpChannelInitializer(
            new TcpLimits(Duration.ofSeconds(10), Duration.ofSeconds(1), 150, 50), answerer, new Metrics(registry));
    private final EmbeddedChannel channel = new EmbeddedChannel(initializer);

    @AfterEach
    void releaseEverything() {
        channel.finishAndReleaseAll();
    }

    @Test
    void twoPipelinedFramesInOneReadAreBothAnsweredInOrder() {
        channel.writeInbound(Unpooled.wrappedBuffer(frame(EchoAnswerer.query(1)), frame(EchoAnswerer.query(2))));

        assertReply(1);
        assertReply(2);
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void aLaterReplyIsFramedOnTheConnectionAfterTheRepliesAnsweredAtOnce() {
        java.util.List<dev.meshdns.forward.ReplySink> sinks = new java.util.ArrayList<>();
        EchoAnswerer echo = new EchoAnswerer();
        EmbeddedChannel later = new EmbeddedChannel(new TcpChannelInitializer(
                new TcpLimits(Duration.ofSeconds(10), 150, 50), (query, length, client, out) -> {
                    if (query[1] == 1) {
                        sinks.add(client.get());
                        return Answerer.LATER;
                    }
                    return echo.answer(query, length, client, out);
                }, Clients.metrics()));
        later.writeInbound(Unpooled.wrappedBuffer(frame(EchoAnswerer.query(1)), frame(EchoAnswerer.query(2))));

        byte[] reply = EchoAnswerer.query(1);
        reply[2] |= (byte) 0x80;
        sinks.get(0).reply(reply, reply.length);
        later.runPendingTasks();

        for (int id : new int[] {2, 1}) {
            ByteBuf sent = later.readOutbound();
            assertThat(sent.readUnsignedShort()).isEqualTo(12);
            assertThat(sent.readUnsignedShort()).as("pipelined replies may come out of order").isEqualTo(id);
            sent.release();
        }
        later.finishAndReleaseAll();
    }

    @Test
    void aConnectionWaitingForAForwardedReplyIsEvictedAfterAQuietNewerOne() {
        java.util.List<dev.meshdns.forward.ReplySink> sinks = new java.util.ArrayList<>();
        TcpChannelInitializer shared = new TcpChannelInitializer(new TcpLimits(Duration.ofSeconds(10), 2, 2),
                (query, length, client, out) -> {
                    sinks.add(client.get());
                    return Answerer.LATER;
                }, Clients.metrics());
        EmbeddedChannel waiting = new EmbeddedChannel(shared);
        waiting.writeInbound(Unpooled.wrappedBuffer(frame(EchoAnswerer.query(1))));
        EmbeddedChannel quiet = new EmbeddedChannel(shared);

        EmbeddedChannel third = new EmbeddedChannel(shared);
        quiet.runPendingTasks();

        assertThat(quiet.isOpen()).as("the quiet one made room").isFalse();
        assertThat(waiting.isOpen()).isTrue();
        byte[] reply = EchoAnswerer.query(1);
        reply[2] |= (byte) 0x80;
        sinks.get(0).reply(reply, reply.length);
        waiting.runPendingTasks();
        EmbeddedChannel fourth = new EmbeddedChannel(shared);
        waiting.runPendingTasks();
        assertThat(waiting.isOpen()).as("answered: now the longest quiet").isFalse();
        assertThat(third.isOpen()).isTrue();
        for (EmbeddedChannel channel : new EmbeddedChannel[] {waiting, quiet, third, fourth}) {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void frameSplitAcrossReadsIsAnsweredOnceComplete() {
        byte[] frame = frame(EchoAnswerer.query(7));
        channel.writeInbound(Unpooled.wrappedBuffer(frame, 0, 5));
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(answerer.calls).isZero();

        channel.writeInbound(Unpooled.wrappedBuffer(frame, 5, frame.length - 5));

        assertReply(7);
        assertThat(answerer.calls).isEqualTo(1);
    }

    @Test
    void lengthPrefixSplitAfterOneByteIsFine() {
        byte[] frame = frame(EchoAnswerer.query(3));
        channel.writeInbound(Unpooled.wrappedBuffer(frame, 0, 1));
        channel.writeInbound(Unpooled.wrappedBuffer(frame, 1, frame.length - 1));

        assertReply(3);
    }

    @Test
    void frameShorterThanHeaderClosesTheConnectionWithoutAnswering() {
        channel.writeInbound(Unpooled.wrappedBuffer(frame(new byte[11])));

        assertThat(channel.isOpen()).isFalse();
        assertThat(answerer.calls).isZero();
    }

    @Test
    void responseFrameClosesTheConnectionButEarlierQueriesAreAnswered() {
        byte[] response = EchoAnswerer.query(9);
        response[2] |= (byte) 0x80;

        channel.writeInbound(Unpooled.wrappedBuffer(frame(EchoAnswerer.query(1)), frame(response),
                frame(EchoAnswerer.query(2))));

        assertReply(1);
        assertThat((Object) channel.readOutbound()).isNull();
        assertThat(channel.isOpen()).isFalse();
        assertThat(answerer.calls).isEqualTo(1);
    }

    @Test
    void droppedQueryGetsNoReplyAndTheConnectionStays() {
        channel.writeInbound(Unpooled.wrappedBuffer(frame(EchoAnswerer.query(0xFFFF)), frame(EchoAnswerer.query(4))));

        assertReply(4);
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void answererFailureDropsThatQueryAndKeepsTheConnection() {
        Answerer throwing = (query, length, client, out) -> {
            throw new IllegalStateException("resolver bug");
        };
        EmbeddedChannel guarded = new EmbeddedChannel(new TcpChannelInitializer(
                new TcpLimits(Duration.ofSeconds(10), 1, 1), new GuardedAnswerer(throwing, Metrics.prometheus()), Clients.metrics()));

        guarded.writeInbound(Unpooled.wrappedBuffer(frame(EchoAnswerer.query(1))));

        assertThat((Object) guarded.readOutbound()).isNull();
        assertThat(guarded.isOpen()).isTrue();
        guarded.finishAndReleaseAll();
    }

    @Test
    void idleConnectionIsClosedAfterTheTimeout() {
        channel.advanceTimeBy(11, TimeUnit.SECONDS);
        channel.runPendingTasks();
        channel.runScheduledPendingTasks();

        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void partialFrameDoesNotResetTheIdleTimer() {
        channel.advanceTimeBy(6, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        channel.writeInbound(Unpooled.wrappedBuffer(frame(EchoAnswerer.query(1)), 0, 4));
        channel.advanceTimeBy(5, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();

        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void messageBegunAndNotFinishedClosesTheConnectionAfterTheMessageTimeout() {
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 64}));
        channel.advanceTimeBy(900, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).as("within the message timeout").isTrue();

        channel.advanceTimeBy(200, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();

        assertThat(channel.isOpen()).isFalse();
        assertThat(Clients.count(registry, "meshdns.dns.tcp.timeouts", "kind", "message")).isEqualTo(1.0);
    }

    @Test
    void messageFinishedInTimeStopsTheMessageTimer() {
        byte[] frame = frame(EchoAnswerer.query(5));
        channel.writeInbound(Unpooled.wrappedBuffer(frame, 0, 3));
        channel.advanceTimeBy(800, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        channel.writeInbound(Unpooled.wrappedBuffer(frame, 3, frame.length - 3));
        channel.advanceTimeBy(5, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();

        assertThat(channel.isOpen()).isTrue();
        assertReply(5);
    }

    @Test
    void eachPipelinedMessageGetsTheWholeMessageTimeout() {
        byte[] first = frame(EchoAnswerer.query(1));
        byte[] second = frame(EchoAnswerer.query(2));
        channel.writeInbound(Unpooled.wrappedBuffer(first, 0, 4));
        channel.advanceTimeBy(800, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        // the rest of the first message and the start of the second, in one read
        channel.writeInbound(Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(first, 4, first.length - 4),
                Unpooled.wrappedBuffer(second, 0, 4)));
        channel.advanceTimeBy(800, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).as("the second message began 0.8 s ago").isTrue();

        channel.advanceTimeBy(300, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();

        assertReply(1);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void quietConnectionClosedByTheIdleTimerIsCountedAsIdle() {
        channel.advanceTimeBy(11, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();

        assertThat(channel.isOpen()).isFalse();
        assertThat(Clients.count(registry, "meshdns.dns.tcp.timeouts", "kind", "idle")).isEqualTo(1.0);
    }

    @Test
    void completeQueryResetsTheIdleTimer() {
        channel.advanceTimeBy(6, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        channel.writeInbound(Unpooled.wrappedBuffer(frame(EchoAnswerer.query(1))));
        channel.advanceTimeBy(6, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();

        assertThat(channel.isOpen()).isTrue();
        assertReply(1);
    }

    @Test
    void closedConnectionGivesItsSlotBack() {
        assertThat(initializer.limits().total()).isEqualTo(1);

        channel.close();

        assertThat(initializer.limits().total()).isZero();
    }

    private void assertReply(int id) {
        ByteBuf reply = channel.readOutbound();
        assertThat(reply).as("reply to query %d", id).isNotNull();
        try {
            assertThat(reply.readUnsignedShort()).isEqualTo(12);
            assertThat(reply.readUnsignedShort()).isEqualTo(id);
            assertThat(reply.readByte() & 0x80).isEqualTo(0x80);
        } finally {
            reply.release();
        }
    }

    private static byte[] frame(byte[] message) {
        byte[] frame = new byte[message.length + 2];
        frame[0] = (byte) (message.length >> 8);
        frame[1] = (byte) message.length;
        System.arraycopy(message, 0, frame, 2, message.length);
        return frame;
    }
}
