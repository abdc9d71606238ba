package dev.meshdns.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class ConnectionLimitsTest {
    private static final InetAddress A = address(127, 0, 0, 1);
    private static final InetAddress B = address(192, 0, 2, 7);
    private static final InetAddress C = address(192, 0, 2, 8);

    private long now = 1_000;

    @Test
    void connectionOverThePerSourceCapTakesTheSlotOfThatSourcesLongestIdle() {
        ConnectionLimits limits = new ConnectionLimits(10, 2);
        ConnectionSlot oldest = admitted(limits, A);
        ConnectionSlot newer = admitted(limits, A);
        ConnectionSlot otherSource = admitted(limits, B);

        ConnectionSlot third = slot(A);
        assertThat(limits.admit(third, ++now)).isSameAs(oldest);

        assertThat(limits.total()).isEqualTo(3);
        assertThat(limits.admit(slot(B), ++now)).as("B is under its cap").isNull();
        assertThat(newer.counted).isTrue();
        assertThat(otherSource.counted).isTrue();
    }

    @Test
    void aStalledPartialMessageIsEvictedBeforeAQuieterCompleteConnection() {
        ConnectionLimits limits = new ConnectionLimits(10, 2);
        ConnectionSlot quiet = admitted(limits, A);
        ConnectionSlot stalled = admitted(limits, A);
        stalled.messageStarted(++now);

        assertThat(limits.admit(slot(A), ++now)).isSameAs(stalled);
        assertThat(quiet.counted).isTrue();
    }

    @Test
    void aConnectionWaitingForAForwardedReplyIsEvictedLast() {
        ConnectionLimits limits = new ConnectionLimits(10, 2);
        ConnectionSlot waiting = admitted(limits, A);
        waiting.queryPending();
        ConnectionSlot justAnswered = admitted(limits, A);
        justAnswered.messageCompleted(++now, false);

        assertThat(limits.admit(slot(A), ++now)).isSameAs(justAnswered);

        waiting.queryDone();
        assertThat(waiting.state()).isEqualTo(ConnectionSlot.IDLE);
    }

    @Test
    void aCompleteQueryMakesAConnectionLessEvictableThanOlderQuietOnes() {
        ConnectionLimits limits = new ConnectionLimits(10, 2);
        ConnectionSlot active = admitted(limits, A);
        ConnectionSlot quiet = admitted(limits, A);
        active.messageCompleted(++now, false);

        assertThat(limits.admit(slot(A), ++now)).isSameAs(quiet);
    }

    @Test
    void overTheTotalCapTheSourceHoldingTheMostConnectionsGivesOneUp() {
        ConnectionLimits limits = new ConnectionLimits(4, 4);
        ConnectionSlot lone = admitted(limits, A);
        ConnectionSlot hogOldest = admitted(limits, B);
        admitted(limits, B);
        admitted(limits, B);

        assertThat(limits.admit(slot(C), ++now)).isSameAs(hogOldest);

        assertThat(lone.counted).as("the oldest connection, but its source's only one").isTrue();
        assertThat(limits.total()).isEqualTo(4);
    }

    @Test
    void theNewcomersOwnConnectionsCountWhenFindingTheLargestSource() {
        ConnectionLimits limits = new ConnectionLimits(4, 4);
        ConnectionSlot oldestOfB = admitted(limits, B);
        admitted(limits, B);
        ConnectionSlot a1 = admitted(limits, A);
        admitted(limits, A);

        assertThat(limits.admit(slot(A), ++now)).isSameAs(a1);
        assertThat(oldestOfB.counted).as("the longest idle, but B holds 2 and A with the newcomer 3").isTrue();
    }

    @Test
    void releasedSlotCanBeTakenAgainWithoutEvicting() {
        ConnectionLimits limits = new ConnectionLimits(1, 1);
        ConnectionSlot first = admitted(limits, A);

        limits.release(first);

        assertThat(limits.admit(slot(B), ++now)).isNull();
        assertThat(limits.total()).isEqualTo(1);
    }

    @Test
    void anEvictedConnectionClosingLaterGivesNothingBackTwice() {
        ConnectionLimits limits = new ConnectionLimits(1, 1);
        ConnectionSlot first = admitted(limits, A);
        ConnectionSlot second = slot(B);
        assertThat(limits.admit(second, ++now)).isSameAs(first);

        limits.release(first);

        assertThat(limits.total()).isEqualTo(1);
        assertThat(second.counted).isTrue();
    }

    private ConnectionSlot admitted(ConnectionLimits limits, InetAddress source) {
        ConnectionSlot slot = slot(source);
        assertThat(limits.admit(slot, ++now)).as("nobody evicted").isNull();
        return slot;
    }

    private static ConnectionSlot slot(InetAddress source) {
        return new ConnectionSlot(source, new EmbeddedChannel());
    }

    private static InetAddress address(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
