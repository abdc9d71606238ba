package dev.meshdns.vip;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * Where allocations are kept: {@link #append} returns only once the allocations are durable,
 * and {@link #restore} gives back every allocation ever acknowledged, each once. The default is
 * {@link dev.meshdns.vip.store.FileVipStore}. Implementations document their own thread-safety;
 * callers confine a store to one thread unless told otherwise.
 */
public interface VipStore extends Closeable {

    /** One durable allocation: a service of a zone holds an address. Immutable. */
    record Allocation(String zone, String service, InetAddress address) {
        public Allocation {
            requireName("zone", zone);
            requireName("service", service);
            Objects.requireNonNull(address, "address");
        }

        private static void requireName(String what, String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(what + " must not be blank, got '" + value + "'");
            }
        }
    }

    /** Every allocation ever made durable, in the order it was made, without duplicates. */
    List<Allocation> restore() throws IOException;

    /**
     * Makes the allocations durable (fsync) before returning. Appending an allocation that is
     * already durable is harmless: it is restored once.
     */
    void append(List<Allocation> allocations) throws IOException;
}
