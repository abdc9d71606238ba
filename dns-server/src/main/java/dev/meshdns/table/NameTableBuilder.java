package dev.meshdns.table;

import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.vip.Cidr;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds a {@link NameTable}: the names of each entry, the zones they fall in, empty non-terminals,
 * reverse (PTR) names of VIPs inside the pool, and every answer in wire form. Not thread-safe: one
 * builder per build.
 */
final class NameTableBuilder {
    static final int TYPE_A = 1;
    static final int TYPE_NS = 2;
    static final int TYPE_SOA = 6;
    static final int TYPE_PTR = 12;
    static final int TYPE_AAAA = 28;
    private static final byte[] IPV4_MAPPED_PREFIX = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff};
    private static final Pattern KUBE_SERVICE = Pattern.compile("([a-z0-9-]+)_([a-z0-9-]+)_svc_([0-9]+)");
    private static final AtomicLong LAST_SERIAL = new AtomicLong();

    private final ZoneSpec spec;
    private final boolean ready;
    private final long serial;
    private final Map<Key, Zone> zones = new LinkedHashMap<>();
    private final Map<Key, Draft> names = new LinkedHashMap<>();
    private final List<Pending> pending = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private int entryNames;

    NameTableBuilder(ZoneSpec spec, boolean ready) {
        this.spec = spec;
        this.ready = ready;
        this.serial = LAST_SERIAL.updateAndGet(last -> Math.max(last + 1, System.currentTimeMillis() / 1000));
        addZone(WireName.of(spec.zone()));
        for (byte[] apex : ReverseZones.of(spec.vipPool())) {
            addZone(apex);
        }
        if (spec.vip6Pool() != null) {
            for (byte[] apex : ReverseZones.of(spec.vip6Pool())) {
                addZone(apex);
            }
        }
    }

    /** Adds the names of one entry; an entry with no address and no failure to report is left out. */
    void add(ServiceEntry entry, ServiceVips vips) {
        if (vips != null && !vips.isEmpty()) {
            pending.add(new Pending(entry, vips));
        }
    }

    NameTable build() {
        // An out-of-zone hostname is the apex of a zone of its own; parents first, so a hostname
        // below another one's name joins that zone instead of cutting a new one.
        pending.stream()
                .flatMap(p -> p.entry.hostnames().stream())
                .map(WireName::of)
                .sorted(Comparator.comparingInt(NameTableBuilder::labels))
                .forEach(wire -> {
                    if (zoneOf(wire) == null) {
                        addZone(wire).hostApex = true;
                    }
                });
        for (Pending p : pending) {
            addEntry(p);
        }
        addEmptyNonTerminals();
        List<byte[]> keys = new ArrayList<>(names.size());
        List<Node> nodes = new ArrayList<>(names.size());
        names.forEach((key, draft) -> {
            keys.add(key.wire);
            nodes.add(draft.toNode());
        });
        return new NameTable(keys, nodes, entryNames, problems);
    }

    private void addEntry(Pending p) {
        String service = p.entry.service();
        List<byte[]> owned = new ArrayList<>();
        for (String name : namesOf(p.entry)) {
            byte[] wire = WireName.of(name);
            Key key = new Key(wire);
            Draft existing = names.get(key);
            Draft draft;
            if (existing != null && existing.hostApex && existing.service == null) {
                draft = existing; // an out-of-zone hostname is its own apex: it gets the addresses too
                draft.service = service;
            } else if (existing != null) {
                problems.add("service \"" + service + "\": name " + name + " is already "
                        + (existing.service == null ? "a zone apex" : "a name of service \"" + existing.service + "\"")
                        + "; left out");
                continue;
            } else {
                draft = new Draft(zoneOf(wire), service);
                names.put(key, draft);
            }
            addAddresses(draft, p.vips);
            owned.add(wire);
            entryNames++;
        }
        if (owned.isEmpty()) {
            return;
        }
        InetAddress v4 = p.vips.v4();
        if (v4 != null && spec.vipPool().contains(v4)) {
            addPtr(service, v4, owned);
        }
        InetAddress v6 = p.vips.v6();
        if (v6 != null && spec.vip6Pool() != null && spec.vip6Pool().contains(v6)) {
            addPtr(service, v6, owned);
        }
    }

    private void addAddresses(Draft draft, ServiceVips vips) {
        int ttl = spec.ttlSeconds();
        if (vips.v4() != null) {
            draft.add(TYPE_A, Records.rr(TYPE_A, ttl, vips.v4().getAddress()));
        } else if (vips.v4Failure() != null) {
            draft.unavailable(TYPE_A, vips.v4Failure());
        }
        if (vips.v6() != null) {
            draft.add(TYPE_AAAA, Records.rr(TYPE_AAAA, ttl, vips.v6().getAddress()));
        } else if (vips.v6Failure() != null) {
            draft.unavailable(TYPE_AAAA, vips.v6Failure());
        } else if (spec.aaaaIpv4Mapped() && vips.v4() != null) {
            byte[] mapped = Arrays.copyOf(IPV4_MAPPED_PREFIX, 16);
            System.arraycopy(vips.v4().getAddress(), 0, mapped, 12, 4);
            draft.add(TYPE_AAAA, Records.rr(TYPE_AAAA, ttl, mapped));
        }
    }

    private void addPtr(String service, InetAddress vip, List<byte[]> targets) {
        byte[] wire = ReverseZones.ptrName(vip);
        Key key = new Key(wire);
        if (names.containsKey(key)) {
            problems.add("service \"" + service + "\": VIP " + vip.getHostAddress()
                    + " is also the VIP of service \"" + names.get(key).service + "\"; PTR left out");
            return;
        }
        Draft draft = new Draft(zoneOf(wire), service);
        for (byte[] target : targets) {
            draft.add(TYPE_PTR, Records.rr(TYPE_PTR, spec.ttlSeconds(), target));
        }
        names.put(key, draft);
    }

    private List<String> namesOf(ServiceEntry entry) {
        List<String> out = new ArrayList<>();
        out.add(entry.service() + "." + spec.zone());
        Matcher m = KUBE_SERVICE.matcher(entry.service());
        if (m.matches()) {
            out.add(m.group(1) + "." + m.group(2) + ".svc." + m.group(3) + "." + spec.zone());
        }
        out.addAll(entry.hostnames());
        return out;
    }

    private void addEmptyNonTerminals() {
        List<Map.Entry<Key, Draft>> existing = new ArrayList<>(names.entrySet());
        for (Map.Entry<Key, Draft> e : existing) {
            byte[] wire = e.getKey().wire;
            byte[] apex = e.getValue().zone.apex();
            for (int pos = WireName.parent(wire, 0); pos >= 0 && wire.length - pos > apex.length;
                 pos = WireName.parent(wire, pos)) {
                Key parent = new Key(Arrays.copyOfRange(wire, pos, wire.length));
                names.putIfAbsent(parent, new Draft(e.getValue().zone, null));
            }
        }
    }

    /** The zone whose apex is the name or its closest ancestor, or null when outside every zone. */
    private Zone zoneOf(byte[] wire) {
        for (int pos = 0; pos >= 0; pos = WireName.parent(wire, pos)) {
            Zone zone = zones.get(new Key(Arrays.copyOfRange(wire, pos, wire.length)));
            if (zone != null) {
                return zone;
            }
        }
        return null;
    }

    private static int labels(byte[] wire) {
        int n = 0;
        for (int pos = 0; wire[pos] != 0; pos = WireName.parent(wire, pos)) {
            n++;
        }
        return n;
    }

    private Draft addZone(byte[] apex) {
        int ttl = spec.ttlSeconds();
        byte[] mname = WireName.of("ns.dns." + spec.zone());
        byte[] soaRdata = Records.soaRdata(mname, WireName.of("hostmaster.dns." + spec.zone()), serial, ttl);
        Zone zone = new Zone(apex, Records.withOwner(apex, TYPE_SOA, ttl, soaRdata), ready);
        Key key = new Key(apex);
        zones.put(key, zone);
        Draft draft = new Draft(zone, null);
        draft.add(TYPE_SOA, Records.rr(TYPE_SOA, ttl, soaRdata));
        draft.add(TYPE_NS, Records.rr(TYPE_NS, ttl, mname));
        names.put(key, draft);
        return draft;
    }

    private record Pending(ServiceEntry entry, ServiceVips vips) {
    }

    /** A wire name as a map key. */
    private record Key(byte[] wire) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(wire, k.wire);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(wire);
        }
    }

    /** A node being built: RRsets grow record by record. */
    private static final class Draft {
        private static final int[] NO_TYPES = {};
        private static final byte[][] NO_BYTES = {};
        final Zone zone;
        String service;
        boolean hostApex;
        // Small parallel arrays, not maps: a table has hundreds of thousands of drafts, most of
        // them with one RRset or none.
        int[] types = NO_TYPES;
        byte[][] rrsets = NO_BYTES;
        int[] counts = NO_TYPES;
        int[] unavailableTypes = NO_TYPES;
        byte[][] reasons = NO_BYTES;

        Draft(Zone zone, String service) {
            this.zone = zone;
            this.service = service;
        }

        void unavailable(int type, String why) {
            unavailableTypes = Arrays.copyOf(unavailableTypes, unavailableTypes.length + 1);
            unavailableTypes[unavailableTypes.length - 1] = type;
            reasons = Arrays.copyOf(reasons, reasons.length + 1);
            reasons[reasons.length - 1] = ExtendedError.of(ExtendedError.OTHER, why);
        }

        void add(int type, byte[] record) {
            for (int i = 0; i < types.length; i++) {
                if (types[i] == type) {
                    byte[] joined = Arrays.copyOf(rrsets[i], rrsets[i].length + record.length);
                    System.arraycopy(record, 0, joined, rrsets[i].length, record.length);
                    rrsets[i] = joined;
                    counts[i]++;
                    return;
                }
            }
            int n = types.length;
            types = Arrays.copyOf(types, n + 1);
            rrsets = Arrays.copyOf(rrsets, n + 1);
            counts = Arrays.copyOf(counts, n + 1);
            types[n] = type;
            rrsets[n] = record;
            counts[n] = 1;
        }

        Node toNode() {
            return new Node(zone, types, rrsets, counts, unavailableTypes, reasons);
        }
    }
}
