package dev.meshdns.table;

import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.vip.OpenHashMap;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a {@link LiveTable} from scratch: every name of the entries with its answers in wire form,
 * the zones, empty non-terminals and PTR names, and the index a later patch needs. Who gets a name
 * two entries claim is a function of the set of entries, never of their order: a service's own
 * names (service name, Kubernetes form, the PTR name of its VIP) beat another entry's hostname, and
 * between equals the smaller service name wins; a zone apex is nobody's. Not thread-safe: one
 * builder per build; {@link LiveTable#build} and {@link LiveTable#notReady} are its callers.
 */
final class NameTableBuilder {
    private final TableRecords records;
    private final Map<WireKey, Zone> zones = new HashMap<>();
    /** The zone apexes and the name server's host: written first, and no entry may claim them. */
    private final Map<WireKey, Draft> apexes = new LinkedHashMap<>();
    /** The entries to build, in the order added; each service once, by {@code services} (no node per service). */
    private final List<Pending> pending = new ArrayList<>();
    private final Map<String, Boolean> services = new OpenHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private final Map<String, Integer> cappedPtrs = new HashMap<>();
    private final Set<String> contested = new HashSet<>();
    private int entryNames;

    NameTableBuilder(ZoneSpec spec, boolean ready) {
        this.records = new TableRecords(spec, ready);
        addZone(WireName.of(spec.zone()), false);
        addNameServerHost();
        for (byte[] apex : ReverseZones.of(spec.vipPool())) {
            addZone(apex, false);
        }
        if (spec.vip6Pool() != null) {
            for (byte[] apex : ReverseZones.of(spec.vip6Pool())) {
                addZone(apex, false);
            }
        }
    }

    /** Adds the names of one entry; an entry with no address and no failure to report is left out. */
    void add(ServiceEntry entry, ServiceVips vips) {
        if (vips == null || vips.isEmpty()) {
            return;
        }
        if (services.put(entry.service(), Boolean.TRUE) == null) {
            pending.add(new Pending(entry, vips, records.namesOf(entry), records.ownNameCount(entry)));
        } else {
            // A merged catalog names each service once; two entries of one service: only a full build sorts that out.
            problems.add("service \"" + entry.service() + "\": named by two entries; the second is left out");
            contested.add(entry.service());
        }
    }

    LiveTable build() {
        int expected = apexes.size();
        for (Pending p : pending) {
            expected += p.names.size() + 1;
        }
        ClaimCounts counts = countClaims(expected);
        Map<WireKey, Claim> winners = winners(counts);
        NameTable.Writer names = new NameTable.Writer(expected + expected / 4);
        apexes.forEach((key, draft) -> names.put(key.wire(), draft.toNode()));
        for (Pending p : pending) {
            addEntry(p, counts, winners, names);
        }
        problems.sort(null);
        NameCounts below = addEmptyNonTerminals(names);
        NameTable table = names.finish(entryNames, problems);
        return new LiveTable(records.spec(), table, below, cappedPtrs, contested);
    }

    /**
     * Every claim counted by its name's 64-bit hash: a name with one claim (nearly all of them) goes
     * to its claimer without an object per claim. An apex counts twice, so a claim on it takes the
     * exact path, and loses.
     */
    private ClaimCounts countClaims(int expected) {
        ClaimCounts counts = new ClaimCounts(expected);
        apexes.keySet().forEach(key -> counts.add(ClaimCounts.hash(key.wire()), 2));
        for (Pending p : pending) {
            for (byte[] wire : p.names) {
                counts.add(ClaimCounts.hash(wire), 1);
            }
            for (InetAddress vip : records.ptrVips(p.vips)) {
                counts.add(ClaimCounts.hash(ReverseZones.ptrName(vip)), 1);
            }
        }
        return counts;
    }

    /**
     * Who gets each name more than one claim (by its hash) asks for; every loser is reported, naming
     * the winner, and contested.
     */
    private Map<WireKey, Claim> winners(ClaimCounts counts) {
        Map<WireKey, Claim> winners = new HashMap<>();
        List<Claim> losers = new ArrayList<>();
        for (Pending p : pending) {
            for (int i = 0; i < p.names.size(); i++) {
                byte[] wire = p.names.get(i);
                if (counts.get(ClaimCounts.hash(wire)) > 1) {
                    claim(winners, new Claim(new WireKey(wire), p, i < p.ownNames, null), losers);
                }
            }
            for (InetAddress vip : records.ptrVips(p.vips)) {
                byte[] wire = ReverseZones.ptrName(vip);
                if (counts.get(ClaimCounts.hash(wire)) > 1) {
                    claim(winners, new Claim(new WireKey(wire), p, true, vip), losers);
                }
            }
        }
        for (Claim loser : losers) {
            Claim winner = winners.get(loser.key);
            contested.add(loser.service());
            if (winner != null) {
                contested.add(winner.service());
            }
            problems.add(lost(loser, winner));
        }
        return winners;
    }

    /** Whether the entry gets this name it claims (a PTR name when {@code ptr}). */
    private static boolean wins(Pending p, byte[] wire, boolean ptr, ClaimCounts counts, Map<WireKey, Claim> winners) {
        if (counts.get(ClaimCounts.hash(wire)) == 1) {
            return true; // its one claim is this one
        }
        Claim winner = winners.get(new WireKey(wire));
        return winner != null && winner.pending == p && (winner.vip != null) == ptr;
    }

    private void claim(Map<WireKey, Claim> winners, Claim claim, List<Claim> losers) {
        if (apexes.containsKey(claim.key)) {
            losers.add(claim);
            return;
        }
        Claim held = winners.putIfAbsent(claim.key, claim);
        if (held != null) {
            boolean keep = held.beats(claim);
            losers.add(keep ? claim : held);
            winners.put(claim.key, keep ? held : claim);
        }
    }

    /** The problem of a claim that lost to {@code winner} (null: to a zone apex or the name server's host). */
    private String lost(Claim loser, Claim winner) {
        Draft reserved = winner == null ? apexes.get(loser.key) : null;
        String why = winner != null ? "it is " + winner.what()
                + (loser.own ? "" : " (own names beat hostnames; between hostnames the smaller service name wins)")
                : reserved != null && reserved.service == TableRecords.NAME_SERVER
                ? "it is the zone's name server (--ns-name)" : "it is a zone apex";
        if (loser.vip != null) {
            return "service \"" + loser.service() + "\": VIP " + loser.vip.getHostAddress()
                    + " gets no PTR: its name " + loser.key + " is taken, " + why;
        }
        return "service \"" + loser.service() + "\": name " + loser.key + " left out: " + why;
    }

    private void addEntry(Pending p, ClaimCounts counts, Map<WireKey, Claim> winners, NameTable.Writer names) {
        String service = p.entry.service();
        List<byte[]> owns = new ArrayList<>();
        for (byte[] wire : p.names) {
            if (!wins(p, wire, false, counts, winners)) {
                continue;
            }
            Zone zone = zoneOf(wire);
            Draft draft;
            if (zone == null) {
                // A hostname outside every zone is a zone of its own, covering that one name: names
                // below it are not ours (forwarded or REFUSED).
                draft = zone(wire, true);
                draft.service = service;
            } else {
                draft = new Draft(zone, service);
            }
            records.addAddresses(draft, p.vips);
            names.put(wire, draft.toNode());
            owns.add(wire);
            entryNames++;
        }
        List<byte[]> ptrs = new ArrayList<>(2);
        for (InetAddress vip : records.ptrVips(p.vips)) {
            byte[] wire = ReverseZones.ptrName(vip);
            if (!owns.isEmpty() && wins(p, wire, true, counts, winners)) {
                Draft draft = new Draft(zoneOf(wire), service);
                records.addPtrs(draft, owns);
                names.put(wire, draft.toNode());
                ptrs.add(wire);
            }
        }
        if (!ptrs.isEmpty() && owns.size() > TableRecords.MAX_PTR_RECORDS) {
            cappedPtrs.put(service, owns.size());
        }
    }

    /** Adds the empty non-terminals; returns, per name below an apex, how many owned names lie below it. */
    private static NameCounts addEmptyNonTerminals(NameTable.Writer names) {
        NameCounts below = new NameCounts(names.size() / 3);
        names.forEach(names.size(), (wire, zone) -> LiveTable.ancestorsInZone(wire, zone, parent -> {
            below.add(parent.wire(), 1);
            names.putIfAbsent(parent.wire(), Draft.emptyNonTerminal(zone));
        }));
        return below;
    }

    /**
     * The zone of the mesh or the reverse zones whose apex is the name or its closest ancestor, or
     * null when outside all of them (host zones never contain other names).
     */
    private Zone zoneOf(byte[] wire) {
        for (int pos = 0; pos >= 0; pos = WireName.parent(wire, pos)) {
            Zone zone = zones.get(WireKey.of(wire, pos));
            if (zone != null && !zone.hostApex()) {
                return zone;
            }
        }
        return null;
    }

    /** The NS target when it lies below the mesh zone: it must resolve there (no glue from elsewhere). */
    private void addNameServerHost() {
        byte[] host = records.nameServer();
        Zone zone = zoneOf(host);
        if (zone != null && !apexes.containsKey(new WireKey(host))) {
            apexes.put(new WireKey(host), records.nameServerHost(zone));
        }
    }

    private void addZone(byte[] apex, boolean hostApex) {
        apexes.put(new WireKey(apex), zone(apex, hostApex));
    }

    /** The apex's draft, its zone known to {@link #zoneOf} from now on; the caller writes it. */
    private Draft zone(byte[] apex, boolean hostApex) {
        Draft draft = records.zone(apex, hostApex);
        zones.put(new WireKey(apex), draft.zone);
        return draft;
    }

    private record Pending(ServiceEntry entry, ServiceVips vips, List<byte[]> names, int ownNames) {
    }

    /** One entry asking for one name: one of its own names, a hostname, or ({@code vip} set) a PTR name. */
    private record Claim(WireKey key, Pending pending, boolean own, InetAddress vip) {
        String service() {
            return pending.entry.service();
        }

        boolean beats(Claim other) {
            if (own != other.own) {
                return own;
            }
            return service().compareTo(other.service()) <= 0;
        }

        String what() {
            return vip != null ? "the PTR name of service \"" + service() + "\"'s VIP"
                    : own ? "a name of service \"" + service() + "\""
                    : "a hostname of service \"" + service() + "\"";
        }
    }
}
