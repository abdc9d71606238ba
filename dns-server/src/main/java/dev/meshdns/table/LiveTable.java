package dev.meshdns.table;

import dev.meshdns.catalog.ServiceEntry;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntConsumer;

// Past 300 lines for its nested Patch (about 150): a patch stages its changes over the index's
// maps and commits them only once nothing declined, and nesting keeps those maps private to both.
/**
 * A {@link NameTable} with the index it takes to change a few services without building it again
 * (the entries and addresses each service was built from are the caller's: a patch is given them),
 * and the one way to build a table ({@link #build}, {@link #notReady}). Not thread-safe: the table
 * is immutable but the index is not; it is confined to the thread that applies catalogs, and only
 * the instance a successful patch returns may be used afterwards.
 */
public final class LiveTable {
    /** Most PTR records one VIP answers (see {@link #cappedPtrs}). */
    public static final int MAX_PTR_RECORDS = TableRecords.MAX_PTR_RECORDS;

    private final ZoneSpec spec;
    private final NameTable table;
    /** Per name, how many owned names lie below it: empty non-terminals come and go with them. */
    private final NameCounts below;
    /** Services whose PTR answers only some of their names, with how many names they own. */
    private final Map<String, Integer> cappedPtrs;
    /** Services in a name clash or named by two entries: a full build decides those, a patch never does. */
    private final Set<String> contested;

    /** The names a service owns: its entry names, then its PTR names. */
    private record Footprint(List<byte[]> names, List<byte[]> ptrs) {
    }

    /** The new state of one service: {@code vips} null, or nothing to answer, when it is gone. */
    public record Change(ServiceEntry entry, ServiceVips vips) {
        public static Change removed(ServiceEntry entry) {
            return new Change(entry, null);
        }
    }

    LiveTable(ZoneSpec spec, NameTable table, NameCounts below, Map<String, Integer> cappedPtrs,
              Set<String> contested) {
        this.spec = spec;
        this.table = table;
        this.below = below;
        this.cappedPtrs = cappedPtrs;
        this.contested = contested;
    }

    /**
     * Builds the table for these entries with the addresses of each service; an entry missing from
     * {@code vips} is left out. The same entries in any order give the same table. A name two entries
     * claim goes to one of them by a fixed rule (see {@link NameTableBuilder}); each name left out is
     * listed in {@link NameTable#problems}.
     */
    public static LiveTable build(ZoneSpec spec, List<ServiceEntry> entries, Map<String, ServiceVips> vips) {
        NameTableBuilder builder = new NameTableBuilder(spec, true);
        for (ServiceEntry entry : entries) {
            builder.add(entry, vips.get(entry.service()));
        }
        return builder.build();
    }

    /**
     * The table before the first catalog is loaded: zone names answer SERVFAIL. A bare NameTable:
     * nothing patches it, the first catalog is a full {@link #build}.
     */
    public static NameTable notReady(ZoneSpec spec) {
        return new NameTableBuilder(spec, false).build().table();
    }

    /** The table to publish; a later patch never writes it. */
    public NameTable table() {
        return table;
    }

    /**
     * The services whose PTR answers only the first {@value TableRecords#MAX_PTR_RECORDS} of their
     * names (their own names first), with how many names each owns. Do not modify.
     */
    public Map<String, Integer> cappedPtrs() {
        return cappedPtrs;
    }

    /**
     * The table with these services changed (each service at most once), or empty when the change
     * needs a full build. A patch gives exactly the table a full build of the new catalog would
     * give, the SOA serial aside (zones the patch keeps keep theirs); where a name is claimed twice
     * it declines, and the full build decides. Empty leaves this instance as it was.
     *
     * @param before per service, the entry and addresses this table was built or patched with (null
     *               for a service it was not given): the caller keeps them anyway, so the table keeps
     *               no copy (a service's names are derived from them again, {@link #footprint})
     */
    public Optional<LiveTable> patch(List<Change> changes, Function<String, Change> before) {
        return new Patch(before).run(changes);
    }

    /**
     * Every ancestor of the name within its zone, nearest first; the apex too when it is a host
     * apex, the one kind of apex a patch may remove, so it knows whether names remain in its zone.
     */
    static void ancestorsInZone(byte[] wire, Zone zone, Consumer<WireKey> action) {
        ancestorsInZone(wire, 0, wire.length, zone, pos -> action.accept(WireKey.of(wire, pos)));
    }

    /** The same for the name {@code buf[from..to)}: each ancestor's offset in {@code buf} (it ends at {@code to}). */
    static void ancestorsInZone(byte[] buf, int from, int to, Zone zone, IntConsumer action) {
        int apexLength = zone.apexWire().length + (zone.hostApex() ? 0 : 1);
        for (int pos = WireName.parent(buf, from); pos >= 0 && to - pos >= apexLength; pos = WireName.parent(buf, pos)) {
            action.accept(pos);
        }
    }

    /**
     * The names the owner's service has in the table: every name of its entry and the PTR name of
     * each VIP in a pool. Exactly what the build or patch that added it gave it, as long as the
     * service is not contested: it then won every name it asked for (a lost name contests it).
     */
    private static Footprint footprint(TableRecords records, Change owner) {
        List<byte[]> ptrs = new ArrayList<>(2);
        for (InetAddress vip : records.ptrVips(owner.vips())) {
            ptrs.add(ReverseZones.ptrName(vip));
        }
        return new Footprint(records.namesOf(owner.entry()), ptrs);
    }

    private static boolean isApex(byte[] wire, Zone zone) {
        return Arrays.equals(wire, zone.apexWire());
    }

    /** One patch: every change is staged in overlays and only committed once nothing declined. */
    private final class Patch {
        private final TableRecords records = new TableRecords(spec, true);
        private final Map<WireKey, Node> nodes = new LinkedHashMap<>(); // a null value removes the name
        private final Map<WireKey, Integer> belowDelta = new HashMap<>();
        private final Map<String, Integer> capped = new HashMap<>(); // a null value: not capped now
        private final Function<String, Change> before;
        private int entryNamesDelta;

        Patch(Function<String, Change> before) {
            this.before = before;
        }

        Optional<LiveTable> run(List<Change> changes) {
            for (Change change : changes) {
                if (contested.contains(change.entry().service())) {
                    return Optional.empty();
                }
            }
            List<Footprint> leaving = new ArrayList<>();
            for (Change change : changes) {
                Change owner = before.apply(change.entry().service());
                if (owner != null && owner.vips() != null && !owner.vips().isEmpty()) { // it had names
                    Footprint old = footprint(records, owner);
                    leaving.add(old);
                    capped.put(change.entry().service(), null);
                    entryNamesDelta -= old.names().size();
                    forEachName(old, wire -> ancestorsInZone(wire, node(wire).zone(), key -> count(key, -1)));
                }
            }
            for (Footprint old : leaving) {
                if (!removeNames(old)) {
                    return Optional.empty();
                }
            }
            List<Change> arriving = changes.stream().filter(c -> c.vips() != null && !c.vips().isEmpty()).toList();
            addHostApexes(arriving);
            for (Change change : arriving) {
                if (!addEntry(change)) {
                    return Optional.empty();
                }
            }
            return Optional.of(commit());
        }

        private boolean removeNames(Footprint old) {
            List<byte[]> all = new ArrayList<>(old.names());
            all.addAll(old.ptrs());
            for (byte[] wire : all) {
                WireKey key = new WireKey(wire);
                Node node = node(wire);
                Zone zone = node.zone();
                if (below(key) > 0) {
                    if (isApex(wire, zone)) {
                        return false; // names of other services stay below: their zone would be cut anew
                    }
                    nodes.put(key, Draft.emptyNonTerminal(zone));
                } else {
                    nodes.put(key, null);
                }
                ancestorsInZone(wire, zone, ancestor -> {
                    if (below(ancestor) == 0) {
                        Node at = node(ancestor.wire());
                        if (at != null && at.isEmptyNonTerminal()) {
                            nodes.put(ancestor, null);
                        }
                    }
                });
            }
            return true;
        }

        /** A zone of its own for each out-of-zone hostname not in the table, as a full build makes it. */
        private void addHostApexes(List<Change> arriving) {
            for (Change change : arriving) {
                for (String hostname : change.entry().hostnames()) {
                    byte[] wire = WireName.of(hostname);
                    if (zoneOf(wire) == null && node(wire) == null) {
                        nodes.put(new WireKey(wire), records.zone(wire, true).toNode());
                    }
                }
            }
        }

        private boolean addEntry(Change change) {
            String service = change.entry().service();
            List<byte[]> names = records.namesOf(change.entry());
            for (byte[] wire : names) {
                WireKey key = new WireKey(wire);
                Node existing = node(wire);
                Draft draft;
                if (existing != null && !existing.owned() && existing.zone().hostApex()
                        && isApex(wire, existing.zone())) {
                    draft = records.apexOf(existing, service);
                } else if (existing != null && existing.isEmptyNonTerminal()) {
                    draft = new Draft(existing.zone(), service);
                } else if (existing != null) {
                    return false; // a clash: which entry wins depends on catalog order
                } else {
                    Zone zone = zoneOf(wire);
                    if (zone == null) {
                        return false;
                    }
                    draft = new Draft(zone, service);
                }
                records.addAddresses(draft, change.vips());
                add(key, draft.toNode());
            }
            List<byte[]> ptrs = new ArrayList<>(2);
            for (InetAddress vip : records.ptrVips(change.vips())) {
                byte[] wire = ReverseZones.ptrName(vip);
                Node existing = node(wire);
                Zone zone = existing != null && existing.isEmptyNonTerminal() ? existing.zone() : zoneOf(wire);
                if (existing != null && !existing.isEmptyNonTerminal() || zone == null) {
                    return false;
                }
                Draft draft = new Draft(zone, service);
                records.addPtrs(draft, names);
                add(new WireKey(wire), draft.toNode());
                ptrs.add(wire);
            }
            if (!ptrs.isEmpty() && names.size() > TableRecords.MAX_PTR_RECORDS) {
                capped.put(service, names.size());
            }
            entryNamesDelta += names.size();
            return true;
        }

        /** Puts an owned name and counts it in every ancestor of its zone, adding empty non-terminals. */
        private void add(WireKey key, Node node) {
            nodes.put(key, node);
            Zone zone = node.zone();
            ancestorsInZone(key.wire(), zone, ancestor -> {
                count(ancestor, 1);
                if (node(ancestor.wire()) == null) {
                    nodes.put(ancestor, Draft.emptyNonTerminal(zone));
                }
            });
        }

        private LiveTable commit() {
            capped.forEach((service, count) -> {
                if (count == null) {
                    cappedPtrs.remove(service);
                } else {
                    cappedPtrs.put(service, count);
                }
            });
            applyDeltas(below, belowDelta);
            NameTable patched = table.patched(nodes, table.entryNames() + entryNamesDelta);
            return new LiveTable(spec, patched, below, cappedPtrs, contested);
        }

        private static void applyDeltas(NameCounts counts, Map<WireKey, Integer> deltas) {
            deltas.forEach((key, delta) -> counts.add(key.wire(), delta));
        }

        private void count(WireKey key, int delta) {
            belowDelta.merge(key, delta, Integer::sum);
        }

        private int below(WireKey key) {
            return below.get(key.wire()) + belowDelta.getOrDefault(key, 0);
        }

        private Node node(byte[] wire) {
            WireKey key = new WireKey(wire);
            if (nodes.containsKey(key)) {
                return nodes.get(key);
            }
            return table.node(wire);
        }

        /**
         * The zone of the mesh or a reverse zone whose apex is the name or its closest ancestor; null
         * outside all of them (host zones never contain other names).
         */
        private Zone zoneOf(byte[] wire) {
            for (int pos = 0; pos >= 0; pos = WireName.parent(wire, pos)) {
                byte[] suffix = pos == 0 ? wire : Arrays.copyOfRange(wire, pos, wire.length);
                Node node = node(suffix);
                if (node != null && !node.zone().hostApex() && isApex(suffix, node.zone())) {
                    return node.zone();
                }
            }
            return null;
        }

        private void forEachName(Footprint footprint, Consumer<byte[]> action) {
            footprint.names().forEach(action);
            footprint.ptrs().forEach(action);
        }
    }
}
