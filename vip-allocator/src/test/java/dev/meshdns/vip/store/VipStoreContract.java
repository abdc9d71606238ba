package dev.meshdns.vip.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.vip.VipStore;
import dev.meshdns.vip.VipStore.Allocation;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * What every {@link VipStore} promises, run against each implementation by extending this class:
 * {@link #newStore()} gives a fresh, empty store for each test; {@link #reopen()} (optional: the
 * durability tests are skipped without it) opens the same durable state again after the contract
 * closed the store. Instants are whole seconds, so stores keeping microseconds compare equal.
 */
public abstract class VipStoreContract {

    protected static final Duration QUARANTINE = Duration.ofHours(1);
    protected static final Instant T0 = Instant.parse("2026-11-26T16:00:00Z");

    private VipStore store;

    /** A fresh store on fresh, empty durable state. */
    protected abstract VipStore newStore() throws IOException;

    /** Opens the durable state of the last {@link #newStore()} again; the previous store is already closed. */
    protected VipStore reopen() throws IOException {
        Assumptions.abort(getClass().getSimpleName() + " does not support reopening");
        return null;
    }

    protected final VipStore store() throws IOException {
        if (store == null) {
            store = newStore();
        }
        return store;
    }

    protected final VipStore reopened() throws IOException {
        closeStore();
        store = reopen();
        return store;
    }

    @AfterEach
    protected final void closeStore() throws IOException {
        if (store != null) {
            store.close();
            store = null;
        }
    }

    @Test
    void newStoreLoadsNothing() throws IOException {
        assertThat(store().load().rows()).isEmpty();
    }

    @Test
    void claimedRowsAreReturnedAndLoadedHeld() throws IOException {
        List<Allocation> granted = claim(held("a", "240.0.0.1"), held("b", "240.0.0.2"));

        assertThat(granted).containsExactlyInAnyOrder(held("a", "240.0.0.1"), held("b", "240.0.0.2"));
        assertThat(store().load().rows()).containsExactlyInAnyOrder(held("a", "240.0.0.1"), held("b", "240.0.0.2"));
    }

    @Test
    void rule1ClaimOfAnAddressAnotherRowHoldsFailsInAnyZone() throws IOException {
        claim(held("a", "240.0.0.1"));

        assertThat(claim(held("b", "240.0.0.1"))).isEmpty();
        assertThat(claim(Allocation.held("other.zone", "a", ip("240.0.0.1")))).isEmpty();
        assertThat(store().load().rows()).containsExactly(held("a", "240.0.0.1"));
    }

    @Test
    void rule2ClaimOfAnAddressAnotherServiceReleasedFailsWithinTheQuarantine() throws IOException {
        claim(held("a", "240.0.0.1"));
        store().release(List.of(held("a", "240.0.0.1")), T0);

        assertThat(store().claim(List.of(held("b", "240.0.0.1")), QUARANTINE, T0.plus(QUARANTINE).minusSeconds(1)))
                .isEmpty();
        assertThat(store().load().rows()).containsExactly(released("a", "240.0.0.1", T0));
    }

    @Test
    void rule2AnotherServiceMayClaimTheAddressOnceTheQuarantineHasPassed() throws IOException {
        claim(held("a", "240.0.0.1"));
        store().release(List.of(held("a", "240.0.0.1")), T0);

        assertThat(store().claim(List.of(held("b", "240.0.0.1")), QUARANTINE, T0.plus(QUARANTINE)))
                .containsExactly(held("b", "240.0.0.1"));
        assertThat(store().load().rows())
                .containsExactlyInAnyOrder(released("a", "240.0.0.1", T0), held("b", "240.0.0.1"));
    }

    @Test
    void rule3ServiceHoldingAnAddressCannotClaimASecondOfTheSameFamily() throws IOException {
        claim(held("a", "240.0.0.1"));

        assertThat(claim(held("a", "240.0.0.2"))).isEmpty();
        assertThat(store().load().rows()).containsExactly(held("a", "240.0.0.1"));
    }

    @Test
    void rule3ClaimingTheAddressAlreadyHeldSucceedsAndChangesNothing() throws IOException {
        claim(held("a", "240.0.0.1"));
        long revision = store().load().revision();

        assertThat(claim(held("a", "240.0.0.1"))).containsExactly(held("a", "240.0.0.1"));
        assertThat(store().changesSince(revision).rows()).isEmpty();
    }

    @Test
    void serviceHoldsOneIpv4AndOneIpv6Address() throws IOException {
        assertThat(claim(held("a", "240.0.0.1"), held("a", "fd00:fd00::1")))
                .containsExactlyInAnyOrder(held("a", "240.0.0.1"), held("a", "fd00:fd00::1"));
        assertThat(claim(held("a", "fd00:fd00::2"))).isEmpty();
    }

    @Test
    void eachClaimOfOneCallIsDecidedOnItsOwnInOrder() throws IOException {
        claim(held("a", "240.0.0.1"));

        List<Allocation> granted = claim(held("b", "240.0.0.1"), held("c", "240.0.0.3"), held("d", "240.0.0.3"),
                held("e", "240.0.0.5"));

        assertThat(granted).containsExactlyInAnyOrder(held("c", "240.0.0.3"), held("e", "240.0.0.5"));
        assertThat(store().load().rows()).containsExactlyInAnyOrder(
                held("a", "240.0.0.1"), held("c", "240.0.0.3"), held("e", "240.0.0.5"));
    }

    @Test
    void releasedServiceReclaimsItsOwnAddressWithinTheQuarantine() throws IOException {
        claim(held("a", "240.0.0.1"));
        store().release(List.of(held("a", "240.0.0.1")), T0);

        assertThat(store().claim(List.of(held("a", "240.0.0.1")), QUARANTINE, T0.plusSeconds(60)))
                .containsExactly(held("a", "240.0.0.1"));
        assertThat(store().load().rows()).containsExactly(held("a", "240.0.0.1"));
    }

    @Test
    void releasedServiceMayClaimAnotherAddress() throws IOException {
        claim(held("a", "240.0.0.1"));
        store().release(List.of(held("a", "240.0.0.1")), T0);

        assertThat(claim(held("a", "240.0.0.2"))).containsExactly(held("a", "240.0.0.2"));
        assertThat(store().load().rows()).containsExactly(held("a", "240.0.0.2"));
    }

    @Test
    void addressReleasedBeforeItsServiceClaimedAnotherStaysQuarantinedForOthers() throws IOException {
        claim(held("a", "240.0.0.1"));
        store().release(List.of(held("a", "240.0.0.1")), T0);
        assertThat(store().claim(List.of(held("a", "240.0.0.2")), QUARANTINE, T0.plusSeconds(60)))
                .containsExactly(held("a", "240.0.0.2"));

        assertThat(store().claim(List.of(held("b", "240.0.0.1")), QUARANTINE, T0.plusSeconds(120))).isEmpty();
        store().release(List.of(held("a", "240.0.0.2")), T0.plusSeconds(180));
        assertThat(store().claim(List.of(held("b", "240.0.0.1")), QUARANTINE, T0.plus(QUARANTINE).minusSeconds(1)))
                .isEmpty();
        assertThat(store().claim(List.of(held("b", "240.0.0.1")), QUARANTINE, T0.plus(QUARANTINE)))
                .containsExactly(held("b", "240.0.0.1"));
    }

    @Test
    void quarantineOfAnAddressItsServiceGaveUpSurvivesReopen() throws IOException {
        claim(held("a", "240.0.0.1"));
        store().release(List.of(held("a", "240.0.0.1")), T0);
        store().claim(List.of(held("a", "240.0.0.2")), QUARANTINE, T0.plusSeconds(60));

        reopened();

        assertThat(store().claim(List.of(held("b", "240.0.0.1")), QUARANTINE, T0.plusSeconds(120))).isEmpty();
    }

    @Test
    void retiredReleaseIsLoadedAndIsAChangeButNotARow() throws IOException {
        claim(held("a", "240.0.0.1"));
        store().release(List.of(held("a", "240.0.0.1")), T0);
        long before = store().load().revision();
        store().claim(List.of(held("a", "240.0.0.2")), QUARANTINE, T0.plusSeconds(60));

        assertThat(store().load().rows()).containsExactly(held("a", "240.0.0.2"));
        assertThat(store().load().retired()).containsExactly(released("a", "240.0.0.1", T0));
        assertThat(store().changesSince(before).retired()).containsExactly(released("a", "240.0.0.1", T0));
        assertThat(store().changesSince(store().load().revision()).retired()).isEmpty();
        assertThat(reopened().load().retired()).containsExactly(released("a", "240.0.0.1", T0));
    }

    @Test
    void serviceMayClaimBackAnAddressItRetired() throws IOException {
        claim(held("a", "240.0.0.1"));
        store().release(List.of(held("a", "240.0.0.1")), T0);
        store().claim(List.of(held("a", "240.0.0.2")), QUARANTINE, T0.plusSeconds(60));
        store().release(List.of(held("a", "240.0.0.2")), T0.plusSeconds(120));

        assertThat(store().claim(List.of(held("a", "240.0.0.1")), QUARANTINE, T0.plusSeconds(180)))
                .containsExactly(held("a", "240.0.0.1"));
        assertThat(store().claim(List.of(held("b", "240.0.0.2")), QUARANTINE, T0.plusSeconds(240))).isEmpty();
    }

    @Test
    void releaseKeysByServiceAndFamilyAndLeavesOthersHeld() throws IOException {
        claim(held("a", "240.0.0.1"), held("a", "fd00:fd00::1"), held("b", "240.0.0.2"));

        store().release(List.of(held("a", "240.0.0.1")), T0);

        assertThat(store().load().rows()).containsExactlyInAnyOrder(released("a", "240.0.0.1", T0),
                held("a", "fd00:fd00::1"), held("b", "240.0.0.2"));
    }

    @Test
    void releaseOfAnUnknownRowChangesNothing() throws IOException {
        long revision = store().load().revision();

        store().release(List.of(held("nobody", "240.0.0.9")), T0);

        assertThat(store().load().rows()).isEmpty();
        assertThat(store().changesSince(revision).rows()).isEmpty();
    }

    @Test
    void emptyClaimAndReleaseChangeNothing() throws IOException {
        assertThat(claim()).isEmpty();
        store().release(List.of(), T0);

        assertThat(store().load().rows()).isEmpty();
    }

    @Test
    void changesSinceReturnsExactlyTheRowsChangedAfterARevision() throws IOException {
        claim(held("a", "240.0.0.1"), held("b", "240.0.0.2"));
        long before = store().load().revision();

        claim(held("c", "240.0.0.3"));
        store().release(List.of(held("a", "240.0.0.1")), T0);
        VipStore.View changes = store().changesSince(before);

        assertThat(changes.rows()).containsExactlyInAnyOrder(held("c", "240.0.0.3"), released("a", "240.0.0.1", T0));
        assertThat(changes.revision()).isGreaterThan(before).isEqualTo(store().load().revision());
        assertThat(store().changesSince(changes.revision()).rows()).isEmpty();
    }

    @Test
    void rowChangedTwiceAfterARevisionIsReturnedOnceInItsCurrentState() throws IOException {
        long before = store().load().revision();
        claim(held("a", "240.0.0.1"));
        store().release(List.of(held("a", "240.0.0.1")), T0);
        claim(held("a", "240.0.0.7"));

        assertThat(store().changesSince(before).rows()).containsExactly(held("a", "240.0.0.7"));
    }

    @Test
    void claimsAndReleasesSurviveReopen() throws IOException {
        claim(held("a", "240.0.0.1"), held("b", "240.0.0.2"));
        store().release(List.of(held("a", "240.0.0.1")), T0);
        long revision = store().load().revision();

        VipStore.View view = reopened().load();

        assertThat(view.rows()).containsExactlyInAnyOrder(released("a", "240.0.0.1", T0), held("b", "240.0.0.2"));
        assertThat(view.revision()).isGreaterThanOrEqualTo(revision);
    }

    @Test
    void rulesStillHoldAfterReopen() throws IOException {
        claim(held("a", "240.0.0.1"), held("b", "240.0.0.2"));
        store().release(List.of(held("b", "240.0.0.2")), T0);
        reopened();

        assertThat(store().claim(List.of(held("c", "240.0.0.1"), held("d", "240.0.0.2")), QUARANTINE,
                T0.plusSeconds(1))).isEmpty();
    }

    @Test
    void ipv6AddressesZonesAndUnicodeNamesSurviveTheRoundTrip() throws IOException {
        List<Allocation> rows = List.of(
                Allocation.held("mesh", "frontend_kong_svc_80", ip("fd00:fd00::7")),
                Allocation.held("other.zone", "frontend_kong_svc_80", ip("240.0.0.9")),
                Allocation.held("mesh", "café-ünïcode-服务", ip("240.0.0.10")));
        store().claim(rows, QUARANTINE, T0);

        assertThat(reopened().load().rows()).containsExactlyInAnyOrderElementsOf(rows);
    }

    @Test
    void manyRowsSurviveReopen() throws IOException {
        for (int i = 0; i < 300; i++) {
            claim(held("svc-" + i, "240.0." + (1 + i / 250) + "." + (i % 250)));
        }
        store().release(IntStream.range(0, 100).mapToObj(i -> held("svc-" + i, "240.0.0.1")).toList(), T0);

        List<Allocation> rows = reopened().load().rows();

        assertThat(rows).hasSize(300).contains(held("svc-299", "240.0.2.49"), released("svc-0", "240.0.1.0", T0));
        assertThat(rows).filteredOn(Allocation::isHeld).hasSize(200);
    }

    protected final List<Allocation> claim(Allocation... claims) throws IOException {
        return store().claim(List.of(claims), QUARANTINE, T0);
    }

    protected static Allocation held(String service, String address) {
        return Allocation.held("mesh", service, ip(address));
    }

    protected static Allocation released(String service, String address, Instant at) {
        return new Allocation("mesh", service, ip(address), at);
    }

    protected static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
