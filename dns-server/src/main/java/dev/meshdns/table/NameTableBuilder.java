package dev.meshdns.table;

import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.vip.MapCapacity;
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
    private final Map<WireKey, Draft> apexes = new LinkedHashMap<>();
    // The constructor's zones go into apexes; build() then presizes names, once the entries are known.
    private Map<WireKey, Draft> names = apexes;
    private final Map<String, Pending> pending = new LinkedHashMap<>();
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
        if (pending.putIfAbsent(entry.service(), new Pending(entry, vips, records.namesOf(entry),
                records.ownNameCount(entry))) != null) {
            // A merged catalog names each service once; two entries of one service: only a full build sorts that out.
            problems.add("service \"" + entry.service() + "\": named by two entries; the second is left out");
            contested.add(entry.service());
        }
    }

    LiveTable build() {
        int expected = 0;
        for (Pending p : pending.values()) {
            expected += p.names.size() + 1;
        }
        names = new LinkedHashMap<>(MapCapacity.of(names.size() + expected));
        names.putAll(apexes);
        Map<WireKey, Claim> winners = winners();
        for (Pending p : pending.values()) {
            addEntry(p, winners);
        }
        problems.sort(null);
        NameCounts below = addEmptyNonTerminals();
        List<byte[]> keys = new ArrayList<>(names.size());
        List<Node> nodes = new ArrayList<>(names.size());
        names.forEach((key, draft) -> {
            keys.add(key.wire());
            nodes.add(draft.toNode());
        });
        NameTable table = new NameTable(keys, nodes, entryNames, problems);
        return new LiveTable(records.spec(), table, below, cappedPtrs, contested);
    }

    /** Who gets each name an entry asks for; every loser is reported, naming the winner, and contested. */
    private Map<WireKey, Claim> winners() {
        Map<WireKey, Claim> winners = new HashMap<>(MapCapacity.of(names.size() + pending.size() * 2));
        List<Claim> losers = new ArrayList<>();
        for (Pending p : pending.values()) {
            for (int i = 0; i < p.names.size(); i++) {
                claim(winners, new Claim(new WireKey(p.names.get(i)), p, i < p.ownNames, null), losers);
            }
            for (InetAddress vip : records.ptrVips(p.vips)) {
                claim(winners, new Claim(new WireKey(ReverseZones.ptrName(vip)), p, true, vip), losers);
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

    private void addEntry(Pending p, Map<WireKey, Claim> winners) {
        String service = p.entry.service();
        List<byte[]> owns = new ArrayList<>();
        for (byte[] wire : p.names) {
            WireKey key = new WireKey(wire);
            Claim winner = winners.get(key);
            if (winner == null || winner.pending != p || winner.vip != null) {
                continue;
            }
            Zone zone = zoneOf(wire);
            Draft draft;
            if (zone == null) {
                // A hostname outside every zone is a zone of its own, covering that one name: names
                // below it are not ours (forwarded or REFUSED).
                draft = addZone(wire, true);
                draft.service = service;
            } else {
                draft = new Draft(zone, service);
                names.put(key, draft);
            }
            records.addAddresses(draft, p.vips);
            owns.add(wire);
            entryNames++;
        }
        List<byte[]> ptrs = new ArrayList<>(2);
        for (InetAddress vip : records.ptrVips(p.vips)) {
            byte[] wire = ReverseZones.ptrName(vip);
            Claim winner = winners.get(new WireKey(wire));
            if (!owns.isEmpty() && winner != null && winner.pending == p && winner.vip != null) {
                Draft draft = new Draft(zoneOf(wire), service);
                records.addPtrs(draft, owns);
                names.put(new WireKey(wire), draft);
                ptrs.add(wire);
            }
        }
        if (!ptrs.isEmpty() && owns.size() > TableRecords.MAX_PTR_RECORDS) {
            cappedPtrs.put(service, owns.size());
        }
    }

    /** Adds the empty non-terminals; returns, per name below an apex, how many owned names lie below it. */
    private NameCounts addEmptyNonTerminals() {
        NameCounts below = new NameCounts(names.size() / 3);
        List<Map.Entry<WireKey, Draft>> existing = new ArrayList<>(names.entrySet());
        for (Map.Entry<WireKey, Draft> e : existing) {
            Zone zone = e.getValue().zone;
            LiveTable.ancestorsInZone(e.getKey().wire(), zone, parent -> {
                below.add(parent.wire(), 1);
                names.computeIfAbsent(parent, key -> new Draft(zone, null));
            });
        }
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
        if (zone != null && !names.containsKey(new WireKey(host))) {
            names.put(new WireKey(host), records.nameServerHost(zone));
        }
    }

    private Draft addZone(byte[] apex, boolean hostApex) {
        Draft draft = records.zone(apex, hostApex);
        WireKey key = new WireKey(apex);
        zones.put(key, draft.zone);
        names.put(key, draft);
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
