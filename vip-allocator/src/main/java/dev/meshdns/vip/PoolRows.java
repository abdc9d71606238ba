package dev.meshdns.vip;

import dev.meshdns.vip.VipStore.Allocation;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An allocator's copy of the store rows that concern it: every row (any zone) whose address is in
 * the pool, and its own zone's rows of the pool's family wherever their address is (a changed
 * pool leaves some outside). Indexed by address for the rules and by service for answers. Retired
 * releases of the pool (an address a service released and then gave up for another) count for the
 * rules and the quarantine like released rows, but are no one's VIP. A batch
 * that contradicts itself or the rows it is applied to (two rows holding one address, one row
 * listed twice) is refused whole. Not thread-safe.
 */
final class PoolRows {

    /**
     * The key of a row of another zone. A row of this zone, nearly every row, is keyed by its service
     * name alone (a string never equals a Key), so a million rows need no million key objects.
     */
    private record Key(String zone, String service) {
    }

    private final VipPool pool;
    private final String zone;
    private final int family;
    private final OpenHashMap<Object, Allocation> rows = new OpenHashMap<>();
    /** Rows (held or released) with this address of the pool; usually one. */
    private final AddressIndex<Allocation> byAddress = new AddressIndex<>();
    /** Retired releases of the pool's addresses, by address: the latest release per (zone, service). */
    private final Map<InetAddress, Map<Object, Instant>> retired = new HashMap<>();
    /** How many services of this zone hold an address of the pool (their VIPs are read from {@code rows}). */
    private int vipCount;

    PoolRows(VipPool pool, String zone) {
        this.pool = pool;
        this.zone = zone;
        this.family = pool.cidr().addressBits() == 32 ? 4 : 6;
    }

    /**
     * Applies rows in their current state, after checking they agree with each other and with what
     * is kept. Returns true if a row of this zone in the pool changed.
     */
    boolean apply(List<Allocation> batch, String source) throws IOException {
        // Open-addressed, the batch's order kept in a list: a full apply claims a million rows at once.
        Map<Object, Allocation> relevant = new OpenHashMap<>(batch.size());
        List<Allocation> ordered = new ArrayList<>();
        Map<InetAddress, Allocation> heldInBatch = new OpenHashMap<>(batch.size());
        for (Allocation row : batch) {
            if (!concerns(row) || row.equals(rows.get(key(row)))) {
                continue; // a row as it is kept already changes nothing and agrees with everything kept
            }
            Allocation twice = relevant.put(key(row), row);
            if (twice != null) {
                throw new IOException(source + " lists " + name(row) + " twice: " + twice + " and " + row);
            }
            ordered.add(row);
            if (row.isHeld() && inPool(row.address())) {
                Allocation other = heldInBatch.put(row.address(), row);
                if (other != null) {
                    throw bothHold(source, row.address(), other, row);
                }
            }
        }
        int fresh = 0;
        for (Allocation row : ordered) {
            if (row.isHeld() && inPool(row.address())) {
                Allocation holder = holder(row.address());
                if (holder != null && !key(holder).equals(key(row)) && !relevant.containsKey(key(holder))) {
                    throw bothHold(source, row.address(), holder, row);
                }
            }
            fresh += rows.containsKey(key(row)) ? 0 : 1;
        }
        rows.reserve(rows.size() + fresh); // a batch of new rows leaves the maps nearly full
        byAddress.reserve(byAddress.size() + fresh);
        boolean changed = false;
        for (Allocation row : ordered) {
            changed |= put(row);
        }
        return changed;
    }

    /** Keeps the pool's retired releases (the store's, or a row's own old address when it moves). */
    void retire(List<Allocation> releases) {
        for (Allocation release : releases) {
            if (!release.isHeld() && inPool(release.address())) {
                retired.computeIfAbsent(release.address(), address -> new HashMap<>(2))
                        .merge(key(release), release.releasedAt(), (a, b) -> a.isAfter(b) ? a : b);
            }
        }
    }

    /** This zone's service's row of the pool's family, or null. */
    Allocation own(String service) {
        return rows.get(service);
    }

    /** This zone's held rows of the pool's family, wherever their address is. */
    List<Allocation> heldOfZone() {
        List<Allocation> held = new ArrayList<>();
        for (Allocation row : rows.values()) {
            if (row.zone().equals(zone) && row.isHeld()) {
                held.add(row);
            }
        }
        return held;
    }

    /** The held rows of this zone of just these services (no scan of every row). */
    List<Allocation> heldOfZone(Collection<String> services) {
        List<Allocation> held = new ArrayList<>();
        for (String service : services) {
            Allocation row = rows.get(service);
            if (row != null && row.isHeld()) {
                held.add(row);
            }
        }
        return held;
    }

    /** The VIP of this zone's service: the address of the pool its row holds, or null. */
    InetAddress vipOf(String service) {
        Allocation own = own(service);
        return own != null && isVip(own) ? own.address() : null;
    }

    /** This zone's services holding an address of the pool, service to VIP, in no particular order (a copy). */
    Map<String, InetAddress> vips() {
        Map<String, InetAddress> vips = new HashMap<>(MapCapacity.of(vipCount));
        for (Allocation row : rows.values()) {
            if (isVip(row)) {
                vips.put(row.service(), row.address());
            }
        }
        return vips;
    }

    private boolean isVip(Allocation row) {
        return row.zone().equals(zone) && row.isHeld() && inPool(row.address());
    }

    /** Addresses of the pool some row has, held or released, or a retired release: the bound on failed probes. */
    int addressesInUse() {
        int onlyRetired = 0;
        for (InetAddress address : retired.keySet()) {
            if (!byAddress.contains(address)) {
                onlyRetired++;
            }
        }
        return byAddress.size() + onlyRetired;
    }

    /**
     * True when this zone's {@code service} may claim the address by the store's rules: no other
     * row holds it or released it after {@code releasedAfter}.
     */
    boolean claimable(String service, InetAddress address, Instant releasedAfter) {
        Object claimer = service;
        for (Allocation row : byAddress.get(address)) {
            if (!key(row).equals(claimer) && (row.isHeld() || row.releasedAt().isAfter(releasedAfter))) {
                return false;
            }
        }
        if (retired.isEmpty()) {
            return true; // no retired release at all, the usual case
        }
        for (Map.Entry<Object, Instant> release : retired.getOrDefault(address, Map.of()).entrySet()) {
            if (!release.getKey().equals(claimer) && release.getValue().isAfter(releasedAfter)) {
                return false;
            }
        }
        return true;
    }

    boolean isHeld(InetAddress address) {
        return holder(address) != null;
    }

    /** When a released, unheld address becomes free for anyone, if it is still in quarantine at {@code now}. */
    Optional<Instant> quarantineEnd(InetAddress address, Duration quarantine, Instant now) {
        Instant last = null;
        for (Allocation row : byAddress.get(address)) {
            if (row.isHeld()) {
                return Optional.empty();
            }
            if (last == null || row.releasedAt().isAfter(last)) {
                last = row.releasedAt();
            }
        }
        for (Instant releasedAt : retired.getOrDefault(address, Map.of()).values()) {
            if (last == null || releasedAt.isAfter(last)) {
                last = releasedAt;
            }
        }
        return last == null || !last.plus(quarantine).isAfter(now) ? Optional.empty() : Optional.of(last.plus(quarantine));
    }

    /** Every address of the pool a row or a retired release has. */
    Iterable<InetAddress> addresses() {
        if (retired.isEmpty()) {
            return byAddress.addresses();
        }
        Set<InetAddress> all = new HashSet<>(byAddress.addresses());
        all.addAll(retired.keySet());
        return all;
    }

    private Allocation holder(InetAddress address) {
        for (Allocation row : byAddress.get(address)) {
            if (row.isHeld()) {
                return row;
            }
        }
        return null;
    }

    private boolean put(Allocation row) {
        Object key = key(row);
        Allocation old = rows.put(key, row);
        if (old != null && !old.isHeld() && !old.address().equals(row.address())) {
            retire(List.of(old)); // as the store does: the old address keeps its quarantine
        }
        if (old != null && inPool(old.address())) {
            byAddress.removeIf(old.address(), other -> key(other).equals(key));
        }
        if (inPool(row.address())) {
            byAddress.add(row.address(), row);
        }
        vipCount += (isVip(row) ? 1 : 0) - (old != null && isVip(old) ? 1 : 0);
        if (!row.zone().equals(zone)) {
            return false;
        }
        return !Objects.equals(old, row)
                && (inPool(row.address()) || (old != null && inPool(old.address())));
    }

    private boolean concerns(Allocation row) {
        return row.family() == family && (inPool(row.address()) || row.zone().equals(zone));
    }

    private boolean inPool(InetAddress address) {
        return pool.cidr().contains(address);
    }

    private Object key(Allocation row) {
        return row.zone().equals(zone) ? row.service() : new Key(row.zone(), row.service());
    }

    private static String name(Allocation row) {
        return row.zone() + "/" + row.service();
    }

    private static IOException bothHold(String source, InetAddress address, Allocation one, Allocation other) {
        return new IOException(source + " holds " + address.getHostAddress() + " for both " + name(one) + " and "
                + name(other));
    }
}
