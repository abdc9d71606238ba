package dev.meshdns.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.vip.AllocationResult;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VipAssignmentTest {

    /** A pool of 240.0.0.1.. handing out the next free address; remembers what it was asked. */
    private static final class FakeVips implements VipSource {
        final Map<String, InetAddress> durable = new LinkedHashMap<>();
        final List<Collection<String>> asked = new ArrayList<>();
        Set<InetAddress> reserved;
        int capacity = 100;

        @Override
        public Map<String, InetAddress> allocations() {
            return Map.copyOf(durable);
        }

        @Override
        public AllocationResult sync(Collection<String> services, Set<InetAddress> reserved) {
            asked.add(List.copyOf(services));
            this.reserved = reserved;
            Map<String, InetAddress> vips = new HashMap<>();
            Map<String, String> failures = new HashMap<>();
            for (String service : services) {
                InetAddress vip = durable.get(service);
                for (int i = 1; vip == null && i <= capacity; i++) {
                    InetAddress candidate = ip("240.0.0." + i);
                    if (!durable.containsValue(candidate) && !reserved.contains(candidate)) {
                        vip = candidate;
                        durable.put(service, vip);
                    }
                }
                if (vip == null) {
                    failures.put(service, "pool exhausted");
                } else {
                    vips.put(service, vip);
                }
            }
            return new AllocationResult(vips, failures);
        }
    }

    private final FakeVips vips = new FakeVips();

    @Test
    void pinnedVipsAreReservedAndOnlyUnpinnedServicesAreAllocated() throws Exception {
        VipAssignment.Outcome outcome = VipAssignment.assign(List.of(ServiceEntry.of("backend"), pinned("httpbin", "240.0.0.1")), ServiceEntry::vip, vips);

        assertThat(vips.asked).containsExactly(List.of("backend"));
        assertThat(vips.reserved).containsExactly(ip("240.0.0.1"));
        assertThat(outcome.vips()).containsEntry("httpbin", ip("240.0.0.1")).containsEntry("backend", ip("240.0.0.2"));
        assertThat(outcome.conflicts()).isEmpty();
        assertThat(outcome.failures()).isEmpty();
    }

    @Test
    void pinOfAnAddressAnotherServiceAlreadyHoldsLosesAndFallsBackToAllocation() throws Exception {
        vips.durable.put("backend", ip("240.0.0.1"));

        VipAssignment.Outcome outcome = VipAssignment.assign(List.of(ServiceEntry.of("backend"), pinned("httpbin", "240.0.0.1")), ServiceEntry::vip, vips);

        assertThat(outcome.vips()).containsEntry("backend", ip("240.0.0.1")).containsEntry("httpbin", ip("240.0.0.2"));
        assertThat(outcome.conflicts()).singleElement().asString()
                .contains("\"httpbin\" pins VIP 240.0.0.1").contains("\"backend\" already holds it");
    }

    @Test
    void ofTwoPinsOfOneAddressTheSmallerServiceNameWinsWhateverTheOrder() throws Exception {
        for (List<ServiceEntry> entries : List.of(List.of(pinned("a", "10.0.0.1"), pinned("b", "10.0.0.1")),
                List.of(pinned("b", "10.0.0.1"), pinned("a", "10.0.0.1")))) {
            VipAssignment.Outcome outcome = VipAssignment.assign(entries, ServiceEntry::vip, new FakeVips());

            assertThat(outcome.vips()).containsEntry("a", ip("10.0.0.1")).containsEntry("b", ip("240.0.0.1"));
            assertThat(outcome.conflicts()).singleElement().asString()
                    .contains("\"b\" pins VIP 10.0.0.1").contains("\"a\" pins it too");
        }
    }

    @Test
    void exhaustedPoolIsReportedPerServiceAndNothingIsMadeUp() throws Exception {
        vips.capacity = 1;

        VipAssignment.Outcome outcome = VipAssignment.assign(List.of(ServiceEntry.of("a"), ServiceEntry.of("b")), ServiceEntry::vip, vips);

        assertThat(outcome.vips()).containsOnlyKeys("a");
        assertThat(outcome.failures()).containsOnlyKeys("b");
    }

    @Test
    void catalogOfOnlyPinnedServicesStillSyncsSoThatLeaversAreReleased() throws Exception {
        VipAssignment.assign(List.of(pinned("a", "10.0.0.1")), ServiceEntry::vip, vips);

        assertThat(vips.asked).containsExactly(List.of());
    }

    private static ServiceEntry pinned(String service, String vip) {
        return new ServiceEntry(service, List.of(), (Inet4Address) ip(vip), null, List.of());
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
