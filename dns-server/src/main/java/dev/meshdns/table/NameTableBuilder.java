package dev.meshdns.table;

import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.vip.MapCapacity;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a {@link LiveTable} from scratch: every name of the entries with its answers in wire form,
 * the zones, empty non-terminals and PTR names, and the index a later patch needs. Not thread-safe:
 * one builder per build; {@link LiveTable#build} and {@link LiveTable#notReady} are its callers.
 */
final class NameTableBuilder {
    private final TableRecords records;
    private final Map<WireKey, Zone> zones = new HashMap<>();
    private final Map<WireKey, Draft> apexes = new LinkedHashMap<>();
    // The constructor's zones go into apexes; build() then presizes names, once the entries are known.
    private Map<WireKey, Draft> names = apexes;
    private final List<Pending> pending = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final Map<String, LiveTable.Footprint> owned = new HashMap<>();
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
        if (vips != null && !vips.isEmpty()) {
            pending.add(new Pending(entry, vips, records.namesOf(entry)));
        }
    }

    LiveTable build() {
        int expected = 0;
        for (Pending p : pending) {
            expected += p.names.size() + 1;
        }
        names = new LinkedHashMap<>(MapCapacity.of(names.size() + expected));
        names.putAll(apexes);
        // An out-of-zone hostname is the apex of a zone of its own; parents first, so a hostname
        // below another one's name joins that zone instead of cutting a new one.
        pending.stream()
                .flatMap(p -> p.names.subList(p.names.size() - p.entry.hostnames().size(), p.names.size()).stream())
                .sorted(Comparator.comparingInt(TableRecords::labels))
                .forEach(wire -> {
                    if (zoneOf(wire) == null) {
                        addZone(wire, true);
                    }
                });
        for (Pending p : pending) {
            addEntry(p);
        }
        Map<WireKey, int[]> below = addEmptyNonTerminals();
        Map<WireKey, int[]> apexAncestors = new HashMap<>();
        zones.values().stream().filter(Zone::hostApex)
                .forEach(zone -> LiveTable.ancestorsOf(zone.apexWire(), 0, key -> apexAncestors
                        .computeIfAbsent(key, k -> new int[1])[0]++));
        List<byte[]> keys = new ArrayList<>(names.size());
        List<Node> nodes = new ArrayList<>(names.size());
        names.forEach((key, draft) -> {
            keys.add(key.wire());
            nodes.add(draft.toNode());
        });
        NameTable table = new NameTable(keys, nodes, entryNames, problems);
        return new LiveTable(records.spec(), table, owned, below, apexAncestors, contested);
    }

    private void addEntry(Pending p) {
        String service = p.entry.service();
        List<byte[]> owns = new ArrayList<>();
        for (byte[] wire : p.names) {
            WireKey key = new WireKey(wire);
            Draft existing = names.get(key);
            Draft draft;
            if (existing != null && existing.zone.hostApex() && existing.service == null) {
                // Only zone apexes lack a service before the empty non-terminals are added: an
                // out-of-zone hostname is its own apex and gets the addresses too.
                draft = existing;
                draft.service = service;
            } else if (existing != null) {
                problems.add("service \"" + service + "\": name " + WireName.toDotted(wire) + " is already "
                        + (existing.service == null ? "a zone apex" : existing.service == TableRecords.NAME_SERVER
                        ? "the zone's name server (--ns-name)" : "a name of service \"" + existing.service + "\"")
                        + "; left out");
                contest(service, existing.service);
                continue;
            } else {
                draft = new Draft(zoneOf(wire), service);
                names.put(key, draft);
            }
            records.addAddresses(draft, p.vips);
            owns.add(wire);
            entryNames++;
        }
        List<byte[]> ptrs = new ArrayList<>(2);
        if (!owns.isEmpty()) {
            for (InetAddress vip : records.ptrVips(p.vips)) {
                byte[] ptr = addPtr(service, vip, owns);
                if (ptr != null) {
                    ptrs.add(ptr);
                }
            }
        }
        if (owned.putIfAbsent(service, new LiveTable.Footprint(owns, ptrs)) != null) {
            contested.add(service); // two entries of one service: only a full build sorts that out
        }
    }

    private byte[] addPtr(String service, InetAddress vip, List<byte[]> targets) {
        byte[] wire = ReverseZones.ptrName(vip);
        WireKey key = new WireKey(wire);
        Draft existing = names.get(key);
        if (existing != null) {
            problems.add("service \"" + service + "\": VIP " + vip.getHostAddress()
                    + " is also the VIP of service \"" + existing.service + "\"; PTR left out");
            contest(service, existing.service);
            return null;
        }
        Draft draft = new Draft(zoneOf(wire), service);
        records.addPtrs(draft, targets);
        names.put(key, draft);
        return wire;
    }

    private void contest(String service, String other) {
        contested.add(service);
        if (other != null) {
            contested.add(other);
        }
    }

    /** Adds the empty non-terminals; returns, per name below an apex, how many owned names lie below it. */
    private Map<WireKey, int[]> addEmptyNonTerminals() {
        Map<WireKey, int[]> below = new HashMap<>(MapCapacity.of(names.size()));
        List<Map.Entry<WireKey, Draft>> existing = new ArrayList<>(names.entrySet());
        for (Map.Entry<WireKey, Draft> e : existing) {
            Zone zone = e.getValue().zone;
            LiveTable.ancestorsInZone(e.getKey().wire(), zone, parent -> {
                below.computeIfAbsent(parent, k -> new int[1])[0]++;
                names.computeIfAbsent(parent, key -> new Draft(zone, null));
            });
        }
        return below;
    }

    /** The zone whose apex is the name or its closest ancestor, or null when outside every zone. */
    private Zone zoneOf(byte[] wire) {
        for (int pos = 0; pos >= 0; pos = WireName.parent(wire, pos)) {
            Zone zone = zones.get(WireKey.of(wire, pos));
            if (zone != null) {
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

    private void addZone(byte[] apex, boolean hostApex) {
        Draft draft = records.zone(apex, hostApex);
        WireKey key = new WireKey(apex);
        zones.put(key, draft.zone);
        names.put(key, draft);
    }

    private record Pending(ServiceEntry entry, ServiceVips vips, List<byte[]> names) {
    }
}
