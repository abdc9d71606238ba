package dev.meshdns.vip;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class AddressIndexTest {
    private static final InetAddress ONE = address("240.0.0.1");
    private static final InetAddress TWO = address("240.0.0.2");

    private final AddressIndex<String> index = new AddressIndex<>();

    @Test
    void anAddressWithoutValuesHasAnEmptyList() {
        assertThat(index.get(ONE)).isEmpty();
        assertThat(index.contains(ONE)).isFalse();
        assertThat(index.size()).isZero();
    }

    @Test
    void oneValuePerAddressIsKeptByAddress() {
        index.add(ONE, "a");
        index.add(TWO, "b");

        assertThat(index.get(ONE)).containsExactly("a");
        assertThat(index.get(TWO)).containsExactly("b");
        assertThat(index.addresses()).containsExactlyInAnyOrder(ONE, TWO);
    }

    @Test
    void severalValuesOfOneAddressKeepTheirOrder() {
        index.add(ONE, "a");
        index.add(ONE, "b");
        index.add(ONE, "c");

        assertThat(index.get(ONE)).containsExactly("a", "b", "c");
        assertThat(index.size()).isOne();
    }

    @Test
    void removingDownToOneValueAndThenNoneForgetsTheAddress() {
        index.add(ONE, "a");
        index.add(ONE, "b");

        index.removeIf(ONE, "a"::equals);
        assertThat(index.get(ONE)).containsExactly("b");

        index.removeIf(ONE, "b"::equals);
        assertThat(index.get(ONE)).isEmpty();
        assertThat(index.contains(ONE)).isFalse();
    }

    @Test
    void removingAValueThatIsNotThereChangesNothing() {
        index.add(ONE, "a");

        index.removeIf(ONE, "x"::equals);
        index.removeIf(TWO, "a"::equals);

        assertThat(index.get(ONE)).containsExactly("a");
        assertThat(index.size()).isOne();
    }

    @Test
    void aListGivenOutIsACopy() {
        index.add(ONE, "a");
        index.add(ONE, "b");
        var before = index.get(ONE);

        index.add(ONE, "c");

        assertThat(before).containsExactly("a", "b");
    }

    @Test
    void forEachVisitsEveryAddressWithItsValues() {
        index.add(ONE, "a");
        index.add(ONE, "b");
        index.add(TWO, "c");
        var seen = new java.util.HashMap<InetAddress, java.util.List<String>>();

        index.forEach(seen::put);

        assertThat(seen).containsOnly(
                org.assertj.core.api.Assertions.entry(ONE, java.util.List.of("a", "b")),
                org.assertj.core.api.Assertions.entry(TWO, java.util.List.of("c")));
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
