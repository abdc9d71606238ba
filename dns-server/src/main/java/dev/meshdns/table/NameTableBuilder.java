package dev.meshdns.table;

import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.vip.OpenHashMap;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
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
    private final ApexIndex zones = new ApexIndex();
    /** The zone apexes and the name server's host: written first, and no entry may claim them. */
    private final Map<WireKey, Draft> apexes = new LinkedHashMap<>();
    /**
     * The entries to build, in the order added, each service once (by {@code services}, no node per
     * service), with their VIPs and names: parallel lists and one array of names, no object per entry
     * or name, for at a million entries they live through the whole build and so through many young
     * collections.
     */
    private final List<ServiceEntry> entries = new ArrayList<>();
    /** A {@link ServiceVips}, or the {@link Inet4Address} of one with only that (as PublishedVips keeps them). */
    private final List<Object> entryVips = new ArrayList<>();
    private final PackedNames names = new PackedNames();
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
            entries.add(entry);
            entryVips.add(vips.v4Only() ? vips.v4() : vips);
            names.add(records.namesOf(entry), records.ownNameCount(entry));
        } else {
            // A merged catalog names each service once; two entries of one service: only a full build sorts that out.
            problems.add("service \"" + entry.service() + "\": named by two entries; the second is left out");
            contested.add(entry.service());
        }
    }

    LiveTable build() {
        int expected = apexes.size() + names.count() + entries.size();
        ClaimCounts counts = countClaims(expected);
        Map<WireKey, Claim> winners = winners(counts);
        NameTable.Writer writer = new NameTable.Writer(expected + expected / 4);
        apexes.forEach((key, draft) -> writer.put(key.wire(), draft.toNode()));
        for (int i = 0; i < entries.size(); i++) {
            addEntry(i, counts, winners, writer);
        }
        problems.sort(null);
        NameCounts below = addEmptyNonTerminals(writer);
        NameTable table = writer.finish(entryNames, problems);
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
        for (int i = 0; i < entries.size(); i++) {
            for (int at = names.start(i), end; at < names.start(i + 1); at = end) {
                end = PackedNames.end(names.bytes, at);
                counts.add(ClaimCounts.hash(names.bytes, at, end), 1);
            }
            for (InetAddress vip : records.ptrVips(vipsOf(i))) {
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
        if (!counts.anyShared()) {
            return winners; // no name has two claims: no pass over a million names to find none
        }
        List<Claim> losers = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            String service = entries.get(i).service();
            int n = 0;
            for (int at = names.start(i), end; at < names.start(i + 1); at = end, n++) {
                end = PackedNames.end(names.bytes, at);
                if (counts.get(ClaimCounts.hash(names.bytes, at, end)) > 1) {
                    WireKey key = new WireKey(Arrays.copyOfRange(names.bytes, at, end));
                    claim(winners, new Claim(key, i, service, n < names.own(i), null), losers);
                }
            }
            for (InetAddress vip : records.ptrVips(vipsOf(i))) {
                byte[] wire = ReverseZones.ptrName(vip);
                if (counts.get(ClaimCounts.hash(wire)) > 1) {
                    claim(winners, new Claim(new WireKey(wire), i, service, true, vip), losers);
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

    /** Whether entry {@code index} gets this name it claims (a PTR name when {@code ptr}). */
    private static boolean wins(int index, byte[] wire, boolean ptr, ClaimCounts counts, Map<WireKey, Claim> winners) {
        if (!counts.anyShared() || counts.get(ClaimCounts.hash(wire)) == 1) {
            return true; // its one claim is this one
        }
        Claim winner = winners.get(new WireKey(wire));
        return winner != null && winner.index == index && (winner.vip != null) == ptr;
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

    private void addEntry(int index, ClaimCounts counts, Map<WireKey, Claim> winners, NameTable.Writer writer) {
        String service = entries.get(index).service();
        ServiceVips vips = vipsOf(index);
        List<byte[]> owns = new ArrayList<>();
        for (int at = names.start(index), end; at < names.start(index + 1); at = end) {
            end = PackedNames.end(names.bytes, at);
            byte[] wire = Arrays.copyOfRange(names.bytes, at, end);
            if (!wins(index, wire, false, counts, winners)) {
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
            records.addAddresses(draft, vips);
            writer.put(wire, draft.toNode());
            owns.add(wire);
            entryNames++;
        }
        List<byte[]> ptrs = new ArrayList<>(2);
        for (InetAddress vip : records.ptrVips(vips)) {
            byte[] wire = ReverseZones.ptrName(vip);
            if (!owns.isEmpty() && wins(index, wire, true, counts, winners)) {
                Draft draft = new Draft(zoneOf(wire), service);
                records.addPtrs(draft, owns);
                writer.put(wire, draft.toNode());
                ptrs.add(wire);
            }
        }
        if (!ptrs.isEmpty() && owns.size() > TableRecords.MAX_PTR_RECORDS) {
            cappedPtrs.put(service, owns.size());
        }
    }

    private ServiceVips vipsOf(int index) {
        Object vips = entryVips.get(index);
        return vips instanceof Inet4Address v4 ? ServiceVips.of(v4) : (ServiceVips) vips;
    }

    /** Adds the empty non-terminals; returns, per name below an apex, how many owned names lie below it. */
    private static NameCounts addEmptyNonTerminals(NameTable.Writer names) {
        NameCounts below = new NameCounts(names.size() / 3);
        names.forEach(names.size(), (buf, from, to, zone) -> LiveTable.ancestorsInZone(buf, from, to, zone, parent -> {
            byte[] first = below.addOne(buf, parent, to);
            if (first != null) { // a parent counted before has its node already
                names.putIfAbsent(first, Draft.emptyNonTerminal(zone));
            }
        }));
        return below;
    }

    /**
     * The zone of the mesh or the reverse zones whose apex is the name or its closest ancestor, or
     * null when outside all of them (host zones never contain other names).
     */
    private Zone zoneOf(byte[] wire) {
        for (int pos = 0; pos >= 0; pos = WireName.parent(wire, pos)) {
            Zone zone = zones.get(wire, pos);
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
        zones.put(apex, draft.zone);
        return draft;
    }

    /**
     * The names of the entries in wire form, one after the other in one array: entry i's run from
     * {@link #start}(i) to {@link #start}(i + 1), its own names first ({@link #own}(i) of them); a
     * wire name ends at its root label, so a run needs no length per name.
     */
    private static final class PackedNames {
        private byte[] bytes = new byte[1 << 12];
        private int used;
        private int[] starts = {0};
        private byte[] own = new byte[0];
        private int entries;
        private int count;

        void add(List<byte[]> wires, int ownNames) {
            if (entries + 1 == starts.length) {
                starts = Arrays.copyOf(starts, Math.max(16, starts.length * 2));
                own = Arrays.copyOf(own, starts.length);
            }
            for (byte[] wire : wires) {
                if (used + wire.length > bytes.length) {
                    bytes = Arrays.copyOf(bytes, Math.max(used + wire.length, bytes.length * 2));
                }
                System.arraycopy(wire, 0, bytes, used, wire.length);
                used += wire.length;
            }
            own[entries] = (byte) ownNames;
            starts[++entries] = used;
            count += wires.size();
        }

        /** Where entry {@code i}'s names start; {@code start(i + 1)} is where they end. */
        int start(int i) {
            return starts[i];
        }

        int own(int i) {
            return own[i];
        }

        /** How many names all entries have. */
        int count() {
            return count;
        }

        /** Where the wire name at {@code at} ends: after its root label. */
        static int end(byte[] bytes, int at) {
            int pos = at;
            while (bytes[pos] != 0) {
                pos += 1 + (bytes[pos] & 0xff);
            }
            return pos + 1;
        }
    }

    /** Entry {@code index} asking for one name: one of its own names, a hostname, or ({@code vip} set) a PTR name. */
    private record Claim(WireKey key, int index, String service, boolean own, InetAddress vip) {
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
