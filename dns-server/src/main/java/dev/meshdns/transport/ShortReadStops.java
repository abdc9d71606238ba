package dev.meshdns.transport;

import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * Reads a UDP socket until a read comes back short: {@code recvmmsg} filled fewer slots than it
 * was given, so the socket's queue was empty. Netty's epoll datagram channel reads on until a read
 * finds nothing, and at a steady 30,000 queries/s, one datagram per wake-up, that was a second
 * {@code recvmmsg} (EAGAIN) and a second {@code getsockopt(IP_ORIGDSTADDR)}, which Netty makes
 * before each one: two of the six system calls a query cost. Only for a level-triggered socket,
 * which Netty 4.2's epoll channels are: a datagram that comes after the short read wakes the
 * loop again. A full read goes on as before, up to {@code maxMessagesPerRead}.
 */
final class ShortReadStops extends FixedRecvByteBufAllocator {

    ShortReadStops(int bufferSize) {
        super(bufferSize);
    }

    @Override
    public Handle newHandle() {
        return new StopAtShortRead((ExtendedHandle) super.newHandle());
    }

    private static final class StopAtShortRead extends DelegatingHandle implements ExtendedHandle {
        private final UncheckedBooleanSupplier filled = () -> lastBytesRead() == attemptedBytesRead();

        StopAtShortRead(ExtendedHandle handle) {
            super(handle);
        }

        /** Ignores the channel's "always maybe more": only a read that filled every slot may have left more. */
        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
            return ((ExtendedHandle) delegate()).continueReading(filled);
        }
    }
}
