package dev.meshdns.vip;

import java.net.InetAddress;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The outcome of one {@link VipAllocator#sync} or {@link VipAllocator#allocate} call: the durable VIP of each service and,
 * for each service that got none, why (e.g. the pool is exhausted). Both maps keep the order the
 * services were asked in. Immutable and thread-safe.
 */
public final class AllocationResult {
    private static final AllocationResult EMPTY = new AllocationResult(Map.of(), Map.of());

    private final Map<String, InetAddress> vips;
    private final Map<String, String> failures;

    /** Copies both maps, in their order. */
    public AllocationResult(Map<String, InetAddress> vips, Map<String, String> failures) {
        this.vips = Collections.unmodifiableMap(new LinkedHashMap<>(vips));
        this.failures = Collections.unmodifiableMap(new LinkedHashMap<>(failures));
    }

    /** Wraps maps made for this result, without a copy (see {@link #owning}). */
    private AllocationResult(Map<String, InetAddress> vips, Map<String, String> failures, Void owned) {
        this.vips = Collections.unmodifiableMap(vips);
        this.failures = Collections.unmodifiableMap(failures);
    }

    /**
     * Takes the allocator's own maps, made for this result and never written after, without a copy
     * (a million VIPs are not copied twice). The VIPs are in the order of {@code asked} (each service
     * once, every service of {@code vips} among them) though {@code vips} itself has none: an
     * open-addressed map for a million services has no node per service.
     */
    static AllocationResult owning(List<String> asked, Map<String, InetAddress> vips, Map<String, String> failures) {
        return new AllocationResult(new InOrder(asked, vips), failures, null);
    }

    /** No VIPs and no failures: the outcome of asking for no services. */
    public static AllocationResult empty() {
        return EMPTY;
    }

    /** The VIP of each service that has one, in the order asked; unmodifiable. */
    public Map<String, InetAddress> vips() {
        return vips;
    }

    /** Why each service without a VIP has none, in the order asked; unmodifiable. */
    public Map<String, String> failures() {
        return failures;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AllocationResult other && vips.equals(other.vips) && failures.equals(other.failures);
    }

    @Override
    public int hashCode() {
        return Objects.hash(vips, failures);
    }

    @Override
    public String toString() {
        return "AllocationResult[vips=" + vips + ", failures=" + failures + "]";
    }

    /** The services of {@code asked} that {@code vips} holds, with their VIPs, in the order of {@code asked}. */
    private static final class InOrder extends AbstractMap<String, InetAddress> {
        private final List<String> asked;
        private final Map<String, InetAddress> vips;

        InOrder(List<String> asked, Map<String, InetAddress> vips) {
            this.asked = asked;
            this.vips = vips;
        }

        @Override
        public InetAddress get(Object service) {
            return vips.get(service);
        }

        @Override
        public boolean containsKey(Object service) {
            return vips.containsKey(service);
        }

        @Override
        public int size() {
            return vips.size();
        }

        @Override
        public Set<Entry<String, InetAddress>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Entry<String, InetAddress>> iterator() {
                    return asked.stream().filter(vips::containsKey).<Entry<String, InetAddress>>map(
                            service -> new SimpleImmutableEntry<>(service, vips.get(service))).iterator();
                }

                @Override
                public int size() {
                    return vips.size();
                }
            };
        }
    }
}
