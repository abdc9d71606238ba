package dev.meshdns.admin;

import java.util.ArrayList;
import java.util.List;

/**
 * The open admin connections, capped: admitting one more than the cap closes the one idle longest,
 * so a pile of idle or trickling connections can never lock a probe out. Not thread-safe: confined
 * to the admin I/O loop, which runs the accepts and every connection.
 */
final class AdminConnections {
    private final int maxConnections;
    private final List<AdminConnectionGuard> open = new ArrayList<>();

    AdminConnections(int maxConnections) {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1, got " + maxConnections);
        }
        this.maxConnections = maxConnections;
    }

    /** Counts {@code connection} in, evicting the longest idle one when the cap is reached. */
    void admit(AdminConnectionGuard connection) {
        while (open.size() >= maxConnections) {
            AdminConnectionGuard longestIdle = open.get(0);
            for (AdminConnectionGuard candidate : open) {
                if (candidate.lastActivityNanos() - longestIdle.lastActivityNanos() < 0) {
                    longestIdle = candidate;
                }
            }
            open.remove(longestIdle);
            longestIdle.evict();
        }
        open.add(connection);
    }

    /** Forgets a closed connection (nothing if it was evicted). */
    void remove(AdminConnectionGuard connection) {
        open.remove(connection);
    }

    int size() {
        return open.size();
    }
}
