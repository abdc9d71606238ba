package dev.meshdns.admin;

import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * The open admin connections, capped: admitting one more than the cap closes the one idle longest
 * (least recently read from or answered), so a pile of idle or trickling connections can never lock
 * a probe out. Not thread-safe: confined to the admin I/O loop, which runs the accepts and every
 * connection.
 */
final class AdminConnections {
    private final int maxConnections;
    /** Access-ordered: {@link #touched} moves a connection to the end, so the first is the longest idle. */
    private final LinkedHashMap<AdminConnectionGuard, Boolean> open = new LinkedHashMap<>(16, 0.75f, true);

    AdminConnections(int maxConnections) {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1, got " + maxConnections);
        }
        this.maxConnections = maxConnections;
    }

    /** Counts {@code connection} in, evicting the longest idle ones while the cap is reached. */
    void admit(AdminConnectionGuard connection) {
        while (open.size() >= maxConnections) {
            Iterator<AdminConnectionGuard> longestIdle = open.keySet().iterator();
            AdminConnectionGuard evicted = longestIdle.next();
            longestIdle.remove();
            evicted.evict();
        }
        open.put(connection, Boolean.TRUE);
    }

    /** The connection was just active (read from, or answered). */
    void touched(AdminConnectionGuard connection) {
        open.get(connection);
    }

    /** Forgets a closed connection (nothing if it was evicted). */
    void remove(AdminConnectionGuard connection) {
        open.remove(connection);
    }

    int size() {
        return open.size();
    }
}
