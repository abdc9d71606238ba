package dev.meshdns.vip.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.vip.VipStore.Allocation;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RowTableTest {
    private final RowTable table = new RowTable();

    @Test
    void changesSinceARevisionAreTheRowsChangedAfterItOldestFirst() {
        table.apply(List.of(held("a", "240.0.0.1"), held("b", "240.0.0.2")), 1);
        table.apply(List.of(held("c", "240.0.0.3")), 2);
        table.apply(List.of(held("d", "240.0.0.4")), 3);

        assertThat(services(table.changedSince(0))).containsExactly("a", "b", "c", "d");
        assertThat(services(table.changedSince(1))).containsExactly("c", "d");
        assertThat(services(table.changedSince(3))).isEmpty();
    }

    @Test
    void aRowChangedAgainIsListedOnceAtItsLatestChange() {
        table.apply(List.of(held("a", "240.0.0.1"), held("b", "240.0.0.2")), 1);
        table.apply(List.of(released("a", "240.0.0.1", 5)), 2);

        assertThat(table.changedSince(0)).extracting(Allocation::service).containsExactly("b", "a");
        assertThat(table.changedSince(1)).containsExactly(released("a", "240.0.0.1", 5));
        assertThat(table.rows()).extracting(Allocation::service).containsExactly("b", "a");
    }

    @Test
    void anOlderRecordReplayedOverANewerOneCountsAsChangedAtTheNewestRevision() {
        // An old journal over a newer snapshot, after a crash between the two writes.
        table.apply(List.of(held("a", "240.0.0.1"), held("b", "240.0.0.2")), 7);
        table.apply(List.of(held("a", "240.0.0.1")), 4);

        assertThat(table.revision()).isEqualTo(7);
        assertThat(services(table.changedSince(6))).containsExactly("b", "a");
        assertThat(services(table.changedSince(7))).isEmpty();
    }

    @Test
    void aRowThatMovesLeavesItsOldAddressFreeForOthers() {
        table.apply(List.of(released("a", "240.0.0.1", 1)), 1);
        table.apply(List.of(held("a", "240.0.0.9")), 2);

        RowTable.Decision decision = table.decideClaims(List.of(held("b", "240.0.0.1")),
                java.time.Duration.ZERO, Instant.ofEpochSecond(10));

        assertThat(decision.granted()).containsExactly(held("b", "240.0.0.1"));
        assertThat(table.retired()).containsExactly(released("a", "240.0.0.1", 1));
    }

    @Test
    void rowsOfOneServiceInTwoZonesAndTwoFamiliesAreFourRows() {
        Allocation four = held("web", "240.0.0.1");
        Allocation six = held("web", "fd00::1");
        Allocation otherZone = Allocation.held("shop", "web", address("240.0.0.2"));
        Allocation otherZoneSix = Allocation.held("shop", "web", address("fd00::2"));

        table.apply(List.of(four, six, otherZone, otherZoneSix), 1);
        table.apply(List.of(released("web", "fd00::1", 3)), 2);

        assertThat(table.rows()).containsExactlyInAnyOrder(four, otherZone, otherZoneSix,
                released("web", "fd00::1", 3));
        assertThat(table.row(RowTable.Key.of(otherZone))).isEqualTo(otherZone);
        assertThat(table.row(RowTable.Key.of(six))).isEqualTo(released("web", "fd00::1", 3));
        RowTable.Decision claim = table.decideClaims(List.of(held("api", "240.0.0.2")),
                java.time.Duration.ZERO, Instant.ofEpochSecond(10));
        assertThat(claim.granted()).as("240.0.0.2 is held by shop/web").isEmpty();
    }

    private static List<String> services(List<Allocation> rows) {
        return rows.stream().map(Allocation::service).toList();
    }

    private static Allocation held(String service, String address) {
        return Allocation.held("mesh", service, address(address));
    }

    private static Allocation released(String service, String address, long at) {
        return new Allocation("mesh", service, address(address), Instant.ofEpochSecond(at));
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
