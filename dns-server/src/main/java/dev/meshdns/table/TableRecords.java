package dev.meshdns.table;

import static dev.meshdns.wire.Wire.TYPE_A;
import static dev.meshdns.wire.Wire.TYPE_AAAA;
import static dev.meshdns.wire.Wire.TYPE_NS;
import static dev.meshdns.wire.Wire.TYPE_PTR;
import static dev.meshdns.wire.Wire.TYPE_SOA;

import dev.meshdns.catalog.ServiceEntry;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the names of a zone spec look like, shared by a full build and a patch: the names of an
 * entry, their address records, PTR records, and zones with their SOA and NS. Each instance takes a
 * new SOA serial for the zones it makes. Not thread-safe: one per build or patch.
 */
final class TableRecords {
    private static final byte[] IPV4_MAPPED_PREFIX = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff};
    private static final AtomicLong LAST_SERIAL = new AtomicLong();
    /** The owner of the name server's host name, in place of a service: no entry may take that name. */
    static final String NAME_SERVER = "(the zone's name server)";

    /**
     * Most PTR records a VIP answers: 64 names of at most 255 bytes keep the reply within TCP's
     * 65,535 bytes with room for the question and the OPT, and a reverse lookup wants one name.
     */
    static final int MAX_PTR_RECORDS = 64;

    private final ZoneSpec spec;
    private final boolean ready;
    private final long serial;
    private final byte[] mname;
    private final byte[] rname;

    TableRecords(ZoneSpec spec, boolean ready) {
        this.spec = spec;
        this.ready = ready;
        this.serial = LAST_SERIAL.updateAndGet(last -> Math.max(last + 1, System.currentTimeMillis() / 1000));
        this.mname = WireName.of(spec.nameServer().name());
        this.rname = WireName.of("hostmaster.dns." + spec.zone());
    }

    ZoneSpec spec() {
        return spec;
    }

    /**
     * The names an entry asks for, in wire form: first its own names (the service name, its
     * Kubernetes form if any; {@link #ownNameCount} of them), then its hostnames sorted and without
     * repeats, so that what depends on their order (the PTR records) depends on the entry's set of
     * names only.
     */
    List<byte[]> namesOf(ServiceEntry entry) {
        String zone = spec.zone();
        // The dotted names are joined in one builder, not as strings: five strings per service were
        // 300 MB of a million-service build's garbage. They are strings only to compare with hostnames.
        StringBuilder dotted = new StringBuilder(2 * entry.service().length() + 2 * zone.length() + 8);
        dotted.append(entry.service()).append('.').append(zone);
        byte[] serviceName = WireName.of(dotted);
        byte[] kubeName = null;
        if (isKubeService(entry.service())) {
            dotted.setLength(0);
            appendKubeForm(dotted, entry.service()).append('.').append(zone);
            kubeName = WireName.of(dotted);
        }
        // Most entries have no hostname: no set for them (a full build of 100,000 services makes this call for each).
        Set<String> hostnames = entry.hostnames().isEmpty() ? Set.of() : new TreeSet<>(entry.hostnames());
        if (!hostnames.isEmpty()) {
            hostnames.remove(entry.service() + "." + zone);
            if (kubeName != null) {
                hostnames.remove(kubeForm(entry.service()) + "." + zone);
            }
        }
        List<byte[]> out = new ArrayList<>(2 + hostnames.size());
        out.add(serviceName);
        if (kubeName != null) {
            out.add(kubeName);
        }
        for (String hostname : hostnames) {
            out.add(WireName.of(hostname));
        }
        return out;
    }

    /** How many of {@link #namesOf} are the entry's own names (the rest are hostnames). */
    int ownNameCount(ServiceEntry entry) {
        return isKubeService(entry.service()) ? 2 : 1;
    }

    /**
     * {@code name.namespace.svc.port} for a service named {@code name_namespace_svc_port} (Kuma's
     * tag of a Kubernetes Service port; name and namespace of {@code [a-z0-9-]+}, port of digits),
     * else null. A scan, not a regular expression: a full build asks it twice per service (two
     * {@code Matcher}s per service were 500 MB of garbage in a build of a million).
     */
    static String kubeForm(String service) {
        if (!isKubeService(service)) {
            return null;
        }
        return appendKubeForm(new StringBuilder(service.length()), service).toString();
    }

    /** Appends {@link #kubeForm} of a service {@link #isKubeService} accepts. */
    private static StringBuilder appendKubeForm(StringBuilder to, String service) {
        int first = service.indexOf('_');
        int second = service.indexOf('_', first + 1);
        return to.append(service, 0, first).append('.').append(service, first + 1, second).append(".svc.")
                .append(service, second + 5, service.length());
    }

    private static boolean isKubeService(String service) {
        int first = service.indexOf('_');
        int second = first < 0 ? -1 : service.indexOf('_', first + 1);
        int third = second < 0 ? -1 : service.indexOf('_', second + 1);
        return third == second + 4 && service.startsWith("svc", second + 1) && service.indexOf('_', third + 1) < 0
                && kubeLabel(service, 0, first) && kubeLabel(service, first + 1, second)
                && digits(service, third + 1, service.length());
    }

    private static boolean kubeLabel(String text, int start, int end) {
        if (start >= end) {
            return false;
        }
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static boolean digits(String text, int start, int end) {
        if (start >= end) {
            return false;
        }
        for (int i = start; i < end; i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** A zone and the draft of its apex, holding its SOA and NS. */
    Draft zone(byte[] apex, boolean hostApex) {
        int ttl = spec.ttlSeconds();
        byte[] soaRdata = Records.soaRdata(mname, rname, serial, ttl);
        Zone zone = new Zone(apex, Records.withOwner(apex, TYPE_SOA, ttl, soaRdata), ready, hostApex);
        Draft draft = new Draft(zone, null);
        draft.add(TYPE_SOA, Records.rr(TYPE_SOA, ttl, soaRdata));
        draft.add(TYPE_NS, Records.rr(TYPE_NS, ttl, mname));
        return draft;
    }

    /** The name server's host name in wire form: the NS target and SOA MNAME. */
    byte[] nameServer() {
        return mname;
    }

    /** The name server's host inside its zone: its addresses, or none (NODATA), never NXDOMAIN. */
    Draft nameServerHost(Zone zone) {
        Draft draft = new Draft(zone, NAME_SERVER);
        int ttl = spec.ttlSeconds();
        for (InetAddress address : spec.nameServer().addresses()) {
            draft.add(address instanceof Inet6Address ? TYPE_AAAA : TYPE_A, Records.rr(
                    address instanceof Inet6Address ? TYPE_AAAA : TYPE_A, ttl, address.getAddress()));
        }
        return draft;
    }

    /** The draft of a host apex node as a zone apex draft again (SOA and NS), to add an entry's addresses to. */
    Draft apexOf(Node apexNode, String service) {
        Draft draft = new Draft(apexNode.zone(), service);
        for (int i = 0; i < apexNode.rrsetCount(); i++) {
            draft.add(apexNode.type(i), apexNode.rrset(i));
        }
        return draft;
    }

    void addAddresses(Draft draft, ServiceVips vips) {
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

    /** The VIPs of a service that get a PTR name: those inside their family's pool. */
    List<InetAddress> ptrVips(ServiceVips vips) {
        List<InetAddress> out = new ArrayList<>(2);
        if (vips.v4() != null && spec.vipPool().contains(vips.v4())) {
            out.add(vips.v4());
        }
        if (vips.v6() != null && spec.vip6Pool() != null && spec.vip6Pool().contains(vips.v6())) {
            out.add(vips.v6());
        }
        return out;
    }

    /**
     * Adds the PTR records of a VIP whose service owns {@code targets} (in {@link #namesOf} order),
     * at most {@link #MAX_PTR_RECORDS} of them: the service's own names, then its first hostnames.
     */
    void addPtrs(Draft draft, List<byte[]> targets) {
        for (byte[] target : targets.subList(0, Math.min(targets.size(), MAX_PTR_RECORDS))) {
            draft.add(TYPE_PTR, Records.rr(TYPE_PTR, spec.ttlSeconds(), target));
        }
    }
}
