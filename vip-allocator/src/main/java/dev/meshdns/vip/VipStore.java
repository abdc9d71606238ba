package dev.meshdns.vip;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * Where allocations are kept. {@link #append} returns only once the allocations are durable.
 * CONTRACT ONLY: shape may be refined by the implementer.
 */
public interface VipStore extends Closeable {

    /** One durable allocation: a service of a zone holds an address. */
    record Allocation(String zone, String service, java.net.InetAddress address) {
    }

    /** Every allocation ever made durable, in order. */
    List<Allocation> restore() throws IOException;

    /** Makes the allocations durable (fsync) before returning. */
    void append(List<Allocation> allocations) throws IOException;
}
