package dev.meshdns.vip.store;

import dev.meshdns.vip.AddressIndex;
import dev.meshdns.vip.OpenHashMap;
import dev.meshdns.vip.VipStore.Allocation;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The rows of a single-writer store in memory: one per (zone, service, family), each with the
 * revision that last changed it, indexed by address to decide the claim rules of
 * {@link dev.meshdns.vip.VipStore#claim} and by revision to answer {@code changesSince}; plus the
 * retired releases (a released row's address and instant, kept when the row took another address).
 * Deciding never mutates; {@link #apply} does, once the change is durable. Not thread-safe.
 */
final class RowTable {

    record Key(String zone, String service, int family) {
        static Key of(Allocation row) {
            return new Key(row.zone(), row.service(), row.family());
        }
    }

    /** A retired release is one per (zone, service, address): the latest release of that address by that service. */
    record RetiredKey(String zone, String service, InetAddress address) {
        static RetiredKey of(Allocation row) {
            return new RetiredKey(row.zone(), row.service(), row.address());
        }
    }

    /**
     * A row and the revision that last changed it, linked to the rows changed before and after it:
     * the list in change order is the revision index, at no cost beyond these two links per row.
     */
    private static final class Entry {
        Allocation row;
        long revision;
        Entry older;
        Entry newer;
    }

    /**
     * By {@link #rowKey}: a row of the zone and family of the first row, nearly every row, is keyed by
     * its service name alone (a string never equals a Key), so a million rows need no million keys.
     */
    private final OpenHashMap<Object, Entry> rows = new OpenHashMap<>();
    private String firstZone;
    private int firstFamily;
    /** The most recently changed row: the newest end of the change list. */
    private Entry newest;
    private final Map<RetiredKey, Allocation> retired = new LinkedHashMap<>();
    private final Map<RetiredKey, Long> retiredRevisionOf = new HashMap<>();
    private final NavigableMap<Long, Set<RetiredKey>> retiredByRevision = new TreeMap<>();
    /** Keys whose row has this address, held or released (usually one). */
    private final AddressIndex<Object> keysByAddress = new AddressIndex<>();
    private final Map<InetAddress, List<RetiredKey>> retiredByAddress = new HashMap<>();
    private long revision;

    long revision() {
        return revision;
    }

    int size() {
        return rows.size();
    }

    /** Every row, oldest change first. */
    List<Allocation> rows() {
        return changedSince(Long.MIN_VALUE);
    }

    List<Allocation> retired() {
        return List.copyOf(retired.values());
    }

    /** Retired releases recorded after {@code since}, once each, oldest first. */
    List<Allocation> retiredSince(long since) {
        List<Allocation> changed = new ArrayList<>();
        for (Set<RetiredKey> keys : retiredByRevision.tailMap(since, false).values()) {
            for (RetiredKey key : keys) {
                changed.add(retired.get(key));
            }
        }
        return changed;
    }

    /** Current rows changed after {@code since}, once each, oldest change first: a walk back from the newest. */
    List<Allocation> changedSince(long since) {
        List<Allocation> changed = new ArrayList<>();
        for (Entry entry = newest; entry != null && entry.revision > since; entry = entry.older) {
            changed.add(entry.row);
        }
        Collections.reverse(changed);
        return changed;
    }

    /**
     * The claims that succeed, decided one after the other (an earlier claim of the call counts
     * for a later one): {@code granted} is what the caller gets back, {@code changed} the rows
     * that must be written (a claim of the address the row already holds changes nothing).
     */
    Decision decideClaims(List<Allocation> claims, Duration quarantine, Instant now) {
        Objects.requireNonNull(quarantine, "quarantine");
        Objects.requireNonNull(now, "now");
        Instant releasedAfter = now.minus(quarantine);
        // Open-addressed and keyed like the rows (no key object, no node per claim): a full apply's
        // million claims keep these alive through many young collections.
        Map<InetAddress, Boolean> claimedInCall = new OpenHashMap<>(claims.size());
        Map<Object, Boolean> keysInCall = new OpenHashMap<>(claims.size());
        List<Allocation> granted = new ArrayList<>(claims.size());
        List<Allocation> changed = new ArrayList<>(claims.size());
        for (Allocation claim : claims) {
            if (!claim.isHeld()) {
                throw new IllegalArgumentException("a claim must be a held row (no releasedAt), got " + claim);
            }
            Object key = rowKey(claim.zone(), claim.service(), claim.family());
            Entry entry = rows.get(key);
            Allocation own = entry == null ? null : entry.row;
            boolean inCall = keysInCall.containsKey(key);
            if (own != null && own.isHeld() && own.address().equals(claim.address()) && !inCall) {
                granted.add(own); // rule 3: already holds that same address
                keysInCall.put(key, Boolean.TRUE);
                continue;
            }
            if (inCall || (own != null && own.isHeld())) {
                continue; // rule 3: the service holds another address
            }
            if (claimedInCall.containsKey(claim.address()) || blocked(claim, claim.address(), releasedAfter)) {
                continue; // rules 1 and 2
            }
            claimedInCall.put(claim.address(), Boolean.TRUE);
            keysInCall.put(key, Boolean.TRUE);
            granted.add(claim); // a held row, immutable: the claim itself becomes the row
            changed.add(claim);
        }
        return new Decision(granted, changed);
    }

    record Decision(List<Allocation> granted, List<Allocation> changed) {
    }

    /** The held rows of these keys, as released at {@code at}; rows absent or already released are left alone. */
    List<Allocation> decideReleases(List<Allocation> rowsToRelease, Instant at) {
        Objects.requireNonNull(at, "at");
        Map<Key, Allocation> released = new LinkedHashMap<>();
        for (Allocation row : rowsToRelease) {
            Key key = Key.of(row);
            Allocation current = row(key);
            if (current != null && current.isHeld()) {
                released.put(key, new Allocation(key.zone(), key.service(), current.address(), at));
            }
        }
        return List.copyOf(released.values());
    }

    /**
     * Sets each row's state as of {@code newRevision} (no rule checked: replay and durable changes).
     * A released row that gets another address leaves its old address as a retired release, so
     * replaying the same rows always derives the same retired releases.
     */
    void apply(List<Allocation> changed, long newRevision) {
        reserveFor(changed);
        for (Allocation row : changed) {
            Object key = rowKey(row.zone(), row.service(), row.family());
            Entry entry = rows.get(key);
            Allocation old = entry == null ? null : entry.row;
            if (entry == null) {
                entry = new Entry();
                rows.put(key, entry);
            } else {
                unlink(entry);
            }
            entry.row = row;
            // Records are applied in revision order, except an old journal replayed over a newer
            // snapshot (a crash between the two writes): such a row counts as changed at the newest
            // revision, so the list stays in order and changesSince at worst repeats a row as it is.
            entry.revision = newest == null ? newRevision : Math.max(newRevision, newest.revision);
            link(entry);
            if (old != null && !old.isHeld() && !old.address().equals(row.address())) {
                retire(List.of(old), newRevision);
            }
            if (old != null && !old.address().equals(row.address())) {
                keysByAddress.removeIf(old.address(), key::equals);
            }
            if (old == null || !old.address().equals(row.address())) {
                keysByAddress.add(row.address(), key);
            }
        }
        revision = Math.max(revision, newRevision);
    }

    /** Room for the rows of a batch (a restore, a catalog's claims) that are new, counted first. */
    private void reserveFor(List<Allocation> changed) {
        int fresh = 0;
        for (Allocation row : changed) {
            fresh += rows.containsKey(rowKey(row.zone(), row.service(), row.family())) ? 0 : 1;
        }
        rows.reserve(rows.size() + fresh);
        keysByAddress.reserve(keysByAddress.size() + fresh);
    }

    private void unlink(Entry entry) {
        if (entry.older != null) {
            entry.older.newer = entry.newer;
        }
        if (entry.newer != null) {
            entry.newer.older = entry.older;
        } else {
            newest = entry.older;
        }
        entry.older = null;
        entry.newer = null;
    }

    private void link(Entry entry) {
        entry.older = newest;
        if (newest != null) {
            newest.newer = entry;
        }
        newest = entry;
    }

    /** The same rows and retired releases, every one as of {@code newRevision} (after an accepted loss). */
    RowTable restamped(long newRevision) {
        RowTable copy = new RowTable();
        copy.apply(rows(), newRevision);
        copy.retire(retired(), newRevision);
        copy.revision = Math.max(copy.revision, newRevision);
        return copy;
    }

    /** Records retired releases as of {@code newRevision}; a later release of the same key wins. */
    void retire(List<Allocation> releases, long newRevision) {
        for (Allocation release : releases) {
            RetiredKey key = RetiredKey.of(release);
            Allocation old = retired.get(key);
            if (release.isHeld() || (old != null && !release.releasedAt().isAfter(old.releasedAt()))) {
                continue;
            }
            retired.put(key, release);
            Long oldRevision = retiredRevisionOf.put(key, newRevision);
            if (oldRevision != null) {
                Set<RetiredKey> keys = retiredByRevision.get(oldRevision);
                keys.remove(key);
                if (keys.isEmpty()) {
                    retiredByRevision.remove(oldRevision);
                }
            }
            retiredByRevision.computeIfAbsent(newRevision, r -> new LinkedHashSet<>()).add(key);
            if (old == null) {
                retiredByAddress.computeIfAbsent(key.address(), a -> new ArrayList<>(1)).add(key);
            }
        }
        revision = Math.max(revision, newRevision);
    }

    /** Fails naming both rows when two rows hold one address (restored state that contradicts itself). */
    void requireOneHolderPerAddress(String source) throws IOException {
        for (InetAddress address : keysByAddress.addresses()) {
            Allocation holder = null;
            for (Object key : keysByAddress.get(address)) {
                Allocation row = rows.get(key).row;
                if (row.isHeld()) {
                    if (holder != null) {
                        throw new IOException(source + " holds " + address.getHostAddress() + " for both "
                                + holder.zone() + "/" + holder.service() + " and " + row.zone() + "/" + row.service());
                    }
                    holder = row;
                }
            }
        }
    }

    Allocation row(Key key) {
        Entry entry = rows.get(rowKey(key.zone(), key.service(), key.family()));
        return entry == null ? null : entry.row;
    }

    private Object rowKey(String zone, String service, int family) {
        if (firstZone == null) {
            firstZone = zone;
            firstFamily = family;
        }
        return family == firstFamily && zone.equals(firstZone) ? service : new Key(zone, service, family);
    }

    /**
     * Rule 1 (another row holds it) or rule 2 (another row, or another service's retired release,
     * released it after {@code releasedAfter}).
     */
    private boolean blocked(Allocation claimer, InetAddress address, Instant releasedAfter) {
        for (Object key : keysByAddress.get(address)) {
            Allocation row = rows.get(key).row;
            boolean own = row.family() == claimer.family() && row.service().equals(claimer.service())
                    && row.zone().equals(claimer.zone());
            if (!own && (row.isHeld() || row.releasedAt().isAfter(releasedAfter))) {
                return true;
            }
        }
        if (retiredByAddress.isEmpty()) {
            return false;
        }
        for (RetiredKey key : retiredByAddress.getOrDefault(address, List.of())) {
            boolean own = key.zone().equals(claimer.zone()) && key.service().equals(claimer.service());
            if (!own && retired.get(key).releasedAt().isAfter(releasedAfter)) {
                return true;
            }
        }
        return false;
    }
}
