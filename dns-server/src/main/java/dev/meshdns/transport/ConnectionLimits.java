package dev.meshdns.transport;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The open TCP connections, in total and per client address, against two caps. A new connection is
 * always admitted; when a cap is full, one open connection makes room: over the per-source cap the
 * one of that source that matters least ({@link ConnectionSlot#evictBefore}), over the total cap the
 * one that matters least among the sources holding the most connections. So an address that fills
 * the caps with stalled connections only ever pushes out its own, and a client sharing its address
 * still gets in. Thread-safe: shared by the TCP event loops; admission and release take one lock
 * (once per connection, never per query).
 */
final class ConnectionLimits {
    private final int maxTotal;
    private final int maxPerSource;
    private final Map<InetAddress, List<ConnectionSlot>> bySource = new HashMap<>();
    private int total;

    ConnectionLimits(int maxTotal, int maxPerSource) {
        this.maxTotal = maxTotal;
        this.maxPerSource = maxPerSource;
    }

    /**
     * Counts a new connection; when a cap is full, takes the slot of another connection and returns it
     * (the caller closes its channel), else null.
     */
    synchronized ConnectionSlot admit(ConnectionSlot slot, long nowNanos) {
        List<ConnectionSlot> mine = bySource.get(slot.source);
        ConnectionSlot victim = null;
        if (mine != null && mine.size() >= maxPerSource) {
            victim = leastNeeded(mine, null);
        } else if (total >= maxTotal) {
            victim = leastNeededOfLargest(mine);
        }
        if (victim != null) {
            remove(victim);
        }
        slot.accepted(nowNanos);
        slot.counted = true;
        bySource.computeIfAbsent(slot.source, address -> new ArrayList<>()).add(slot);
        total++;
        return victim;
    }

    /** Forgets a connection's slot; a no-op when it was never counted or was taken by an eviction. */
    synchronized void release(ConnectionSlot slot) {
        if (slot.counted) {
            remove(slot);
        }
    }

    /** Open connections counted now. */
    synchronized int total() {
        return total;
    }

    private void remove(ConnectionSlot slot) {
        slot.counted = false;
        total--;
        List<ConnectionSlot> slots = bySource.get(slot.source);
        slots.remove(slot);
        if (slots.isEmpty()) {
            bySource.remove(slot.source);
        }
    }

    /** Among the sources with the most connections (the newcomer's counted with it), the least needed one. */
    private ConnectionSlot leastNeededOfLargest(List<ConnectionSlot> newcomers) {
        int largest = 0;
        for (List<ConnectionSlot> slots : bySource.values()) {
            largest = Math.max(largest, slots.size() + (slots == newcomers ? 1 : 0));
        }
        ConnectionSlot victim = null;
        for (List<ConnectionSlot> slots : bySource.values()) {
            if (slots.size() + (slots == newcomers ? 1 : 0) == largest) {
                victim = leastNeeded(slots, victim);
            }
        }
        return victim;
    }

    private static ConnectionSlot leastNeeded(List<ConnectionSlot> slots, ConnectionSlot best) {
        for (ConnectionSlot slot : slots) {
            if (best == null || slot.evictBefore(best)) {
                best = slot;
            }
        }
        return best;
    }
}
