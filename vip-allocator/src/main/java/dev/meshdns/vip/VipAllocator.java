package dev.meshdns.vip;

import dev.meshdns.vip.VipStore.Allocation;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Gives each service of a zone a stable virtual IP from one pool and makes it durable in a
 * {@link VipStore} before returning it. A held VIP never moves while its service is live; a
 * service that leaves releases its VIP, which no other service gets for a quarantine; a service
 * that comes back gets its old VIP if no one else holds it. A new service prefers a hash of (zone,
 * service) inside the pool, probing linearly, so restarts and independent replicas mostly agree;
 * the store decides races between replicas. One allocator per (pool, zone), confined to one thread
 * (the caller's store executor; not thread-safe); an IPv4 and an IPv6 allocator may share a store.
 */
public final class VipAllocator {

    /** Claim rounds per call before a service that keeps losing races is reported as failed. */
    static final int MAX_CLAIM_ROUNDS = 5;

    private final VipStore store;
    private final VipPool pool;
    private final String zone;
    private final Duration quarantine;
    private final Clock clock;
    private final PoolRows rows;
    private long revision;
    private long foreignChanges;
    private Instant lastRefusal; // when the last claim refused a service an address; null if it refused none

    private VipAllocator(VipStore store, VipPool pool, String zone, Duration quarantine, Clock clock) {
        this.store = store;
        this.pool = pool;
        this.zone = zone;
        this.quarantine = quarantine;
        this.clock = clock;
        this.rows = new PoolRows(pool, zone);
    }

    /**
     * Loads the store's rows. Fails with an IOException naming both rows if two rows hold one
     * address, or one row is listed twice.
     */
    public static VipAllocator open(VipStore store, Cidr pool, String zone, Duration quarantine, Clock clock)
            throws IOException {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(clock, "clock");
        if (zone == null || zone.isBlank()) {
            throw new IllegalArgumentException("zone must not be blank, got '" + zone + "'");
        }
        if (quarantine == null || quarantine.isNegative()) {
            throw new IllegalArgumentException("quarantine must be zero or positive, got " + quarantine);
        }
        VipAllocator allocator = new VipAllocator(store, new VipPool(pool), zone, quarantine, clock);
        VipStore.View view = store.load();
        allocator.rows.apply(view.rows(), "store");
        allocator.rows.retire(view.retired());
        allocator.revision = view.revision();
        return allocator;
    }

    /**
     * Makes the held VIPs of this zone's pool match the live services. First pulls other writers'
     * changes ({@link #refresh}); releases (at the clock's instant) every held row of this zone whose
     * service is not live; then gives every live service without a VIP one: its old address if no
     * one else holds it and no other service released it within the quarantine, else the preferred
     * address, probing past addresses held, quarantined or {@code reserved}. All new VIPs are
     * claimed in one store call; a claim lost to another writer is retried with fresh probes, at
     * most {@value #MAX_CLAIM_ROUNDS} rounds. A live service whose row holds an address outside the
     * pool (the pool was changed) is released and given one of the pool. Blocks on the store.
     *
     * @return every live service's VIP, or why it has none (pool exhausted, races lost)
     */
    public AllocationResult sync(Collection<String> live, Set<InetAddress> reserved) throws IOException {
        return ensure(live, reserved, true);
    }

    /**
     * {@link #sync} in two steps, so that a caller can build with the VIPs while they are made
     * durable: {@link Planned#result} is what sync returns, decided now (the rows of services that
     * left are released durably first), and {@link Planned#claim} makes its new VIPs durable. No
     * answer may carry them before that returned, and nothing else may use this allocator in
     * between. With a shared store, where another writer may win a claim, it is sync itself: durable
     * at once.
     */
    public Planned plan(Collection<String> live, Set<InetAddress> reserved) throws IOException {
        if (store.soleWriterRevision().isEmpty()) {
            return Planned.durable(sync(live, reserved));
        }
        List<String> wanted = released(live, reserved, true);
        Map<String, String> failures = new HashMap<>();
        lastRefusal = null;
        Instant now = clock.instant();
        List<Allocation> claims = chooseRound(withoutVip(wanted), reserved, now, failures);
        AllocationResult result = result(wanted, failures, claims);
        return new Planned(result, () -> {
            List<Allocation> granted = claim(claims, now);
            if (granted.size() != claims.size()) {
                // Its only writer decides claims by the rules they were chosen by: this is a fault, not a race.
                throw new IOException("the VIP store granted " + granted.size() + " of the " + claims.size()
                        + " claims chosen by its rules, though it has no other writer");
            }
        });
    }

    /**
     * What {@link #plan} decided: the VIPs, and how to make the new ones durable. Not thread-safe
     * (the allocator's thread).
     */
    public static final class Planned {
        /** Makes a plan's new VIPs durable. */
        @FunctionalInterface
        public interface Claim {
            void run() throws IOException;
        }

        private final AllocationResult result;
        private Claim claim;

        Planned(AllocationResult result, Claim claim) {
            this.result = result;
            this.claim = claim;
        }

        /** A plan that is durable already: its {@link #claim} does nothing. */
        public static Planned durable(AllocationResult result) {
            return new Planned(result, null);
        }

        /** A plan whose VIPs {@code claim} makes durable (for a source of VIPs other than an allocator). */
        public static Planned of(AllocationResult result, Claim claim) {
            return new Planned(result, Objects.requireNonNull(claim, "claim"));
        }

        /** Every service's VIP as it will be durable, or why it has none. */
        public AllocationResult result() {
            return result;
        }

        /** Makes the new VIPs durable; once it returned they may be answered, and later calls do nothing. */
        public void claim() throws IOException {
            if (claim != null) {
                claim.run();
                claim = null;
            }
        }
    }

    /** Like {@link #sync}, but releases nothing: services not named keep their VIPs. */
    public AllocationResult allocate(Collection<String> services, Set<InetAddress> reserved) throws IOException {
        return ensure(services, reserved, false);
    }

    /**
     * Releases (at the clock's instant) the VIPs these services hold; every other service keeps
     * its own. For a caller that knows exactly which services left; {@link #sync} finds them by
     * itself. Blocks on the store.
     */
    public void release(Collection<String> services) throws IOException {
        refresh();
        releaseRows(rows.heldOfZone(services), row -> true);
    }

    /**
     * How many times a read of the store's changes found rows unlike its own copy (another
     * replica's claim or release): a caller that keeps its own copy of the VIPs compares this
     * before and after a call to learn whether that copy went stale.
     */
    public long foreignChanges() {
        return foreignChanges;
    }

    /**
     * Pulls the store's changes since the last revision seen (other replicas' claims and releases)
     * and applies them. Returns true if a row of this zone in this pool changed.
     */
    public boolean refresh() throws IOException {
        VipStore.View changes = store.changesSince(revision);
        boolean changed = rows.apply(changes.rows(), "store changes since revision " + revision);
        rows.retire(changes.retired()); // quarantines only: no VIP changes with them
        revision = Math.max(revision, changes.revision());
        if (changed) {
            foreignChanges++;
        }
        return changed;
    }

    /** The VIP this zone's service holds in this pool, or null; no copy of the others is made. */
    public InetAddress vipOf(String service) {
        return rows.vipOf(service);
    }

    /** Every VIP held by a service of this zone in this pool, service to VIP. */
    public Map<String, InetAddress> allocations() {
        return Collections.unmodifiableMap(rows.vips());
    }

    /**
     * The earliest instant a quarantined address of this pool becomes free for any service. Counted
     * from the last time a service was refused for want of an address, when the last claim refused
     * one: an address freed since then is reported with its (past) instant, so the caller retries
     * at once instead of missing it because the quarantine ended between the refusal and the
     * question.
     */
    public Optional<Instant> nextQuarantineEnd() {
        Instant now = clock.instant();
        Instant from = lastRefusal != null && lastRefusal.isBefore(now) ? lastRefusal : now;
        Instant earliest = null;
        for (InetAddress address : rows.addresses()) {
            Instant end = rows.quarantineEnd(address, quarantine, from).orElse(null);
            if (end != null && (earliest == null || end.isBefore(earliest))) {
                earliest = end;
            }
        }
        return Optional.ofNullable(earliest);
    }

    private AllocationResult ensure(Collection<String> services, Set<InetAddress> reserved, boolean releaseOthers)
            throws IOException {
        List<String> wanted = released(services, reserved, releaseOthers);
        return result(wanted, claimMissing(wanted, reserved), List.of());
    }

    /**
     * Each service once, in the order asked, once other writers' changes are read and the held rows
     * that leave are released: every other service of this zone ({@code releaseOthers}), and those
     * asked for whose address is outside the pool.
     */
    private List<String> released(Collection<String> services, Set<InetAddress> reserved, boolean releaseOthers)
            throws IOException {
        Objects.requireNonNull(reserved, "reserved");
        // The set is open-addressed (no node per service): at a million services it lives through the
        // whole call, and so through many young collections.
        List<String> wanted = new ArrayList<>(services.size());
        Map<String, Boolean> live = new OpenHashMap<>(services.size());
        for (String service : services) {
            if (service == null || service.isBlank()) {
                throw new IllegalArgumentException("service must not be blank, got '" + service + "'");
            }
            if (live.put(service, Boolean.TRUE) == null) {
                wanted.add(service);
            }
        }
        refresh();
        // Without releasing others only the wanted services' own rows can leave: no need to scan them all.
        releaseRows(releaseOthers ? rows.heldOfZone() : rows.heldOfZone(wanted),
                row -> live.containsKey(row.service()) ? !pool.cidr().contains(row.address()) : releaseOthers);
        return wanted;
    }

    /**
     * Each wanted service's VIP: the address of its claim among {@code chosen} (not yet made durable),
     * else its row's; or why it has none (its failure, else the pool's).
     */
    private AllocationResult result(List<String> wanted, Map<String, String> failures, List<Allocation> chosen) {
        // In the order of wanted, kept by the result: a million VIPs without a LinkedHashMap node each.
        Map<String, InetAddress> vips = new OpenHashMap<>(wanted.size());
        for (Allocation claim : chosen) {
            vips.put(claim.service(), claim.address());
        }
        Map<String, String> failed = new LinkedHashMap<>();
        for (String service : wanted) {
            if (vips.containsKey(service)) {
                continue;
            }
            InetAddress vip = rows.vipOf(service);
            if (vip != null) {
                vips.put(service, vip);
            } else {
                failed.put(service, failures.getOrDefault(service, "no VIP in pool " + pool.cidr()));
            }
        }
        return AllocationResult.owning(wanted, vips, failed);
    }

    /** Releases the rows among {@code candidates} (held rows of this zone) that {@code leaves} picks. */
    private void releaseRows(List<Allocation> candidates, Predicate<Allocation> leaves) throws IOException {
        List<Allocation> leaving = new ArrayList<>();
        for (Allocation row : candidates) {
            if (leaves.test(row)) {
                leaving.add(row);
            }
        }
        if (leaving.isEmpty()) {
            return;
        }
        Instant at = clock.instant();
        store.release(leaving, at);
        List<Allocation> released = new ArrayList<>();
        for (Allocation row : leaving) {
            released.add(new Allocation(row.zone(), row.service(), row.address(), at));
        }
        rows.apply(released, "released rows");
        refresh(); // the store's own view of them wins (e.g. an earlier release time)
    }

    /** Claims a VIP for every wanted service without one; returns why the ones that got none failed. */
    private Map<String, String> claimMissing(List<String> wanted, Set<InetAddress> reserved) throws IOException {
        Map<String, String> failures = new HashMap<>();
        lastRefusal = null;
        List<String> missing = withoutVip(wanted);
        for (int round = 1; !missing.isEmpty(); round++) {
            if (round > MAX_CLAIM_ROUNDS) {
                for (String service : missing) {
                    failures.put(service, "lost the race for a VIP in pool " + pool.cidr() + " " + MAX_CLAIM_ROUNDS
                            + " times: other writers claimed the addresses first");
                }
                break;
            }
            Instant now = clock.instant();
            List<Allocation> claims = chooseRound(missing, reserved, now, failures);
            if (claims.isEmpty()) {
                break;
            }
            claim(claims, now);
            missing = new ArrayList<>();
            for (Allocation claim : claims) {
                if (rows.vipOf(claim.service()) == null) {
                    missing.add(claim.service());
                }
            }
            if (!missing.isEmpty()) {
                refresh();
            }
        }
        return failures;
    }

    private List<String> withoutVip(List<String> wanted) {
        List<String> missing = new ArrayList<>();
        for (String service : wanted) {
            if (rows.vipOf(service) == null) {
                missing.add(service);
            }
        }
        return missing;
    }

    /**
     * One round of claims: an address for each missing service that has none meanwhile, chosen in an
     * order of the set alone, so two services that prefer (or probe into) one address get the same
     * VIPs whatever order the catalog or the stream lists them in; the claims in the order asked.
     * A service refused an address goes to {@code failures}.
     */
    private List<Allocation> chooseRound(List<String> missing, Set<InetAddress> reserved, Instant now,
                                         Map<String, String> failures) {
        // The addresses chosen so far, open-addressed.
        Map<InetAddress, String> pending = new OpenHashMap<>(missing.size());
        // What no probe of this round can use besides the pending addresses: the rows do not change within it.
        long takenBefore = rows.addressesInUse() + reserved.stream().filter(pool::isUsable).count();
        InetAddress[] chosen = new InetAddress[missing.size()];
        for (int i : canonicalOrder(missing)) {
            String service = missing.get(i);
            if (rows.vipOf(service) != null) {
                continue; // another replica claimed it for this service meanwhile
            }
            InetAddress vip = choose(service, reserved, pending, now, takenBefore + pending.size());
            if (vip == null) {
                failures.put(service, exhausted(reserved, pending, now));
                lastRefusal = now;
            } else {
                pending.put(vip, service);
                chosen[i] = vip;
            }
        }
        List<Allocation> claims = new ArrayList<>(missing.size());
        for (int i = 0; i < chosen.length; i++) {
            if (chosen[i] != null) {
                claims.add(Allocation.held(zone, missing.get(i), chosen[i]));
            }
        }
        return claims;
    }

    /** Claims durably, keeps what the store granted and returns it. */
    private List<Allocation> claim(List<Allocation> claims, Instant now) throws IOException {
        OptionalLong before = store.soleWriterRevision();
        List<Allocation> granted = store.claim(claims, quarantine, now);
        rows.apply(granted, "claimed rows");
        caughtUp(before);
        return granted;
    }

    /**
     * After a claim of this allocator's own: when the store has no other writer and this allocator
     * had read every revision before the claim ({@code before}), the claim is all that changed, and
     * its rows are applied already (an address a row left retired as the store retires it), so the
     * next {@link #refresh} need not read them back: after a first apply of a million services the
     * periodic refresh 10 s later read all their rows back and compared each with its own copy.
     */
    private void caughtUp(OptionalLong before) {
        OptionalLong after = store.soleWriterRevision();
        if (before.isPresent() && before.getAsLong() == revision && after.isPresent()) {
            revision = after.getAsLong();
        }
    }

    /**
     * The positions of {@code services} (distinct names) in an order that depends on their set alone:
     * by {@link String#hashCode} (specified, so the same on every JVM), equal hashes by name. Sorted
     * as packed longs, hash above position: no object per service.
     */
    private static int[] canonicalOrder(List<String> services) {
        long[] keys = new long[services.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = Integer.toUnsignedLong(services.get(i).hashCode()) << 31 | i;
        }
        Arrays.sort(keys);
        int[] order = new int[keys.length];
        for (int i = 0; i < keys.length; i++) {
            order[i] = (int) (keys[i] & Integer.MAX_VALUE);
        }
        for (int from = 0; from < keys.length; ) {
            int to = from + 1; // the end of the run of equal hashes from here, sorted by position so far
            while (to < keys.length && keys[to] >>> 31 == keys[from] >>> 31) {
                to++;
            }
            if (to - from > 1) {
                Integer[] run = new Integer[to - from];
                for (int k = from; k < to; k++) {
                    run[k - from] = order[k];
                }
                Arrays.sort(run, Comparator.comparing(services::get));
                for (int k = from; k < to; k++) {
                    order[k] = run[k - from];
                }
            }
            from = to;
        }
        return order;
    }

    /** The service's old address when it may have it back, else the first claimable address from its preferred one. */
    private InetAddress choose(String service, Set<InetAddress> reserved, Map<InetAddress, String> pending,
            Instant now, long taken) {
        Instant releasedAfter = now.minus(quarantine);
        Allocation own = rows.own(service);
        if (own != null && !own.isHeld() && pool.isUsable(own.address())
                && free(service, own.address(), reserved, pending, releasedAfter)) {
            return own.address();
        }
        // Each failed probe hits a distinct address some row has, a pending or a reserved one (taken,
        // in all), so at most taken + 1 probes find a free one; probing the whole pool proves exhaustion.
        BigInteger probes = pool.usableCount().min(BigInteger.valueOf(taken).add(BigInteger.ONE));
        BigInteger index = pool.preferredIndex(zone, service);
        for (BigInteger i = BigInteger.ZERO; i.compareTo(probes) < 0; i = i.add(BigInteger.ONE)) {
            InetAddress candidate = pool.address(index);
            if (free(service, candidate, reserved, pending, releasedAfter)) {
                return candidate;
            }
            index = index.add(BigInteger.ONE);
            if (index.equals(pool.usableCount())) {
                index = BigInteger.ZERO;
            }
        }
        return null;
    }

    private boolean free(String service, InetAddress address, Set<InetAddress> reserved,
            Map<InetAddress, String> pending, Instant releasedAfter) {
        return !reserved.contains(address) && !pending.containsKey(address)
                && rows.claimable(service, address, releasedAfter);
    }

    /** E.g. {@code pool 240.0.0.0/30 exhausted: 2 addresses, 1 held, 1 in quarantine until 2026-11-26T17:00:00Z}. */
    private String exhausted(Set<InetAddress> reserved, Map<InetAddress, String> pending, Instant now) {
        long held = pending.size();
        long quarantined = 0;
        Instant until = null;
        for (InetAddress address : rows.addresses()) {
            if (!pool.isUsable(address) || pending.containsKey(address)) {
                continue;
            }
            if (rows.isHeld(address)) {
                held++;
                continue;
            }
            Instant end = rows.quarantineEnd(address, quarantine, now).orElse(null);
            if (end != null) {
                quarantined++;
                until = until == null || end.isBefore(until) ? end : until;
            }
        }
        long reservedOnly = reserved.stream()
                .filter(pool::isUsable)
                .filter(address -> !pending.containsKey(address) && !rows.isHeld(address)
                        && rows.quarantineEnd(address, quarantine, now).isEmpty())
                .count();
        StringBuilder why = new StringBuilder("pool ").append(pool.cidr()).append(" exhausted: ")
                .append(pool.usableCount()).append(" addresses, ").append(held).append(" held");
        if (quarantined > 0) {
            why.append(", ").append(quarantined).append(" in quarantine until ").append(until);
        }
        if (reservedOnly > 0) {
            why.append(", ").append(reservedOnly).append(" reserved");
        }
        return why.toString();
    }
}
