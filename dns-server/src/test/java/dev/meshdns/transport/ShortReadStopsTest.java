package dev.meshdns.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.RecvByteBufAllocator.ExtendedHandle;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.UncheckedBooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The handle Netty's epoll datagram channel asks whether to read again, told "maybe more" as that channel does. */
class ShortReadStopsTest {
    private static final int SLOTS = 4 * 1024;
    private final ExtendedHandle handle = (ExtendedHandle) new ShortReadStops(SLOTS).maxMessagesPerRead(3).newHandle();

    @BeforeEach
    void reset() {
        handle.reset(new EmbeddedChannel().config());
    }

    @Test
    void aReadThatFilledEverySlotReadsAgain() {
        read(SLOTS);

        assertThat(handle.continueReading(UncheckedBooleanSupplier.TRUE_SUPPLIER)).isTrue();
    }

    @Test
    void aShortReadStopsThoughTheChannelSaysThereMayBeMore() {
        read(SLOTS / 4);

        assertThat(handle.continueReading(UncheckedBooleanSupplier.TRUE_SUPPLIER)).isFalse();
    }

    @Test
    void fullReadsStillStopAtMaxMessagesPerRead() {
        read(SLOTS);
        read(SLOTS);
        assertThat(handle.continueReading(UncheckedBooleanSupplier.TRUE_SUPPLIER)).isTrue();

        read(SLOTS);

        assertThat(handle.continueReading(UncheckedBooleanSupplier.TRUE_SUPPLIER)).isFalse();
    }

    private void read(int bytes) {
        handle.attemptedBytesRead(SLOTS);
        handle.lastBytesRead(bytes);
        handle.incMessagesRead(1);
    }
}
