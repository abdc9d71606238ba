package dev.meshdns.vip.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.vip.VipStore;
import dev.meshdns.vip.VipStore.Allocation;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link VipStore} promises, run against each implementation by extending this
 * class. {@link #openStore()} must open the same durable state each time it is called after
 * the previous store was closed, and a fresh, empty state for each test.
 */
public abstract class VipStoreContract {

    private VipStore store;

    /** Opens the store under test on this test's durable state. */
    protected abstract VipStore openStore() throws IOException;

    protected final VipStore store() throws IOException {
        if (store == null) {
            store = openStore();
        }
        return store;
    }

    protected final VipStore reopen() throws IOException {
        closeStore();
        return store();
    }

    @AfterEach
    protected final void closeStore() throws IOException {
        if (store != null) {
            store.close();
            store = null;
        }
    }

    @Test
    void newStoreRestoresNothing() throws IOException {
        assertThat(store().restore()).isEmpty();
    }

    @Test
    void appendedAllocationsAreRestoredInOrderAfterReopen() throws IOException {
        store().append(List.of(allocation("a", "240.0.0.1"), allocation("b", "240.0.0.2")));
        store().append(List.of(allocation("c", "240.0.0.3")));

        assertThat(reopen().restore())
                .containsExactly(allocation("a", "240.0.0.1"), allocation("b", "240.0.0.2"), allocation("c", "240.0.0.3"));
    }

    @Test
    void appendedAllocationsAreRestoredWithoutReopen() throws IOException {
        store().append(List.of(allocation("a", "240.0.0.1")));

        assertThat(store().restore()).containsExactly(allocation("a", "240.0.0.1"));
    }

    @Test
    void ipv6AddressesZonesAndUnicodeNamesSurviveTheRoundTrip() throws IOException {
        List<Allocation> allocations = List.of(
                new Allocation("mesh", "frontend_kong_svc_80", ip("fd00:fd00::7")),
                new Allocation("other.zone", "frontend_kong_svc_80", ip("240.0.0.9")),
                new Allocation("mesh", "café-ünïcode-服务", ip("240.0.0.10")));
        store().append(allocations);

        assertThat(reopen().restore()).containsExactlyElementsOf(allocations);
    }

    @Test
    void appendingAnAllocationAgainRestoresItOnce() throws IOException {
        store().append(List.of(allocation("a", "240.0.0.1")));
        store().append(List.of(allocation("a", "240.0.0.1"), allocation("b", "240.0.0.2")));

        assertThat(reopen().restore()).containsExactly(allocation("a", "240.0.0.1"), allocation("b", "240.0.0.2"));
    }

    @Test
    void emptyAppendChangesNothing() throws IOException {
        store().append(List.of());

        assertThat(reopen().restore()).isEmpty();
    }

    @Test
    void manyAllocationsSurviveReopen() throws IOException {
        for (int i = 0; i < 300; i++) {
            store().append(List.of(allocation("svc-" + i, "240.0.1." + (i % 250))));
        }

        assertThat(reopen().restore()).hasSize(300).first().isEqualTo(allocation("svc-0", "240.0.1.0"));
    }

    protected static Allocation allocation(String service, String address) {
        return new Allocation("mesh", service, ip(address));
    }

    protected static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
