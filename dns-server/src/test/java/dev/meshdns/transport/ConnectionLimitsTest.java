package dev.meshdns.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class ConnectionLimitsTest {
    private static final InetAddress A = InetAddress.getLoopbackAddress();
    private static final InetAddress B;

    static {
        try {
            B = InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 7});
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void connectionOverThePerSourceCapIsRefusedWhileOtherSourcesAreAdmitted() {
        ConnectionLimits limits = new ConnectionLimits(10, 2);

        assertThat(limits.tryAcquire(A)).isTrue();
        assertThat(limits.tryAcquire(A)).isTrue();
        assertThat(limits.tryAcquire(A)).isFalse();
        assertThat(limits.tryAcquire(B)).isTrue();
        assertThat(limits.total()).isEqualTo(3);
    }

    @Test
    void connectionOverTheTotalCapIsRefused() {
        ConnectionLimits limits = new ConnectionLimits(2, 2);

        assertThat(limits.tryAcquire(A)).isTrue();
        assertThat(limits.tryAcquire(B)).isTrue();
        assertThat(limits.tryAcquire(B)).isFalse();
        assertThat(limits.total()).isEqualTo(2);
    }

    @Test
    void releasedSlotCanBeTakenAgain() {
        ConnectionLimits limits = new ConnectionLimits(1, 1);
        assertThat(limits.tryAcquire(A)).isTrue();

        limits.release(A);

        assertThat(limits.tryAcquire(B)).isTrue();
    }
}
