package dev.meshdns.vip;

import java.io.Closeable;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Where allocations are kept, durably, and (for a shared store) how several writers agree: rows
 * keyed by (zone, service, address family), never deleted, only released with a timestamp so the
 * address waits out a quarantine. Every method returns only once what it changed is durable.
 * Implementations ({@code FileVipStore}, the default; {@code PostgresVipStore} for replicas)
 * document their thread-safety; callers confine a store to one thread unless told otherwise.
 */
public interface VipStore extends Closeable {

    /** One row: a service of a zone holds (releasedAt null) or held an address. Immutable. */
    record Allocation(String zone, String service, InetAddress address, Instant releasedAt) {
        public Allocation {
            requireName("zone", zone);
            requireName("service", service);
            Objects.requireNonNull(address, "address");
        }

        /** A held allocation. */
        public static Allocation held(String zone, String service, InetAddress address) {
            return new Allocation(zone, service, address, null);
        }

        public boolean isHeld() {
            return releasedAt == null;
        }

        /** 6 or 4: rows of one service in one zone are unique per family. */
        public int family() {
            return address instanceof Inet6Address ? 6 : 4;
        }

        private static void requireName(String what, String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(what + " must not be blank, got '" + value + "'");
            }
        }
    }

    /**
     * Rows and the revision they are current to. A revision only grows; {@link #changesSince}
     * with it returns what changed after this view (including other writers' changes).
     * {@code retired} are released addresses that no row shows any more, because their service
     * later claimed another address of that family: each (zone, service, address, releasedAt) still
     * keeps its address from other services for the quarantine, like a released row. They are not
     * allocations (a VIP watch ignores them); the latest per (zone, service, address) counts.
     */
    record View(List<Allocation> rows, long revision, List<Allocation> retired) {
        public View {
            rows = List.copyOf(rows);
            retired = List.copyOf(retired);
        }

        public View(List<Allocation> rows, long revision) {
            this(rows, revision, List.of());
        }
    }

    /** Every row, one per (zone, service, family), and every retired release, as of the returned revision. */
    View load() throws IOException;

    /** Rows and retired releases changed after {@code revision} (their current state, once each), and the new revision. */
    View changesSince(long revision) throws IOException;

    /**
     * Durably claims addresses, all or each: a claim {@code (zone, service, address)} succeeds only if
     * (1) no other row holds that address, (2) no other row (nor another service's retired release)
     * released that address after {@code now - quarantine}, and (3) the service's own row of that
     * family is absent, released, or already holds that same address. When the claim gives a released
     * row another address, the row's old address and release instant become a retired release, so
     * its quarantine is kept. Each claim is decided atomically (a race between writers
     * is decided by the store, e.g. unique constraints), so a claim that lost returns nothing for it.
     *
     * @return the rows now held by these claims (a subset of {@code claims}, held), durable
     */
    List<Allocation> claim(List<Allocation> claims, Duration quarantine, Instant now) throws IOException;

    /**
     * The revision the store is at, when whoever calls is its only writer (one process, one thread):
     * a caller that had read every revision before its own write then knows the write is all that
     * changed since. Empty for a shared store (the default), where another writer may have written.
     */
    default OptionalLong soleWriterRevision() {
        return OptionalLong.empty();
    }

    /** Durably marks these services' rows (zone, service, family of address) released at {@code at}. */
    void release(List<Allocation> rows, Instant at) throws IOException;

    /**
     * Registers a wake-up for changes made by other writers (a shared store: LISTEN/NOTIFY). It is
     * a hint only: notifications can be missed, so callers also poll {@link #changesSince}. Called
     * on a store thread; must not block. The default (a single-writer store) never calls it.
     */
    default void onRemoteChange(Runnable listener) {
    }
}
