package dev.meshdns.vip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class CidrTest {

    @Test
    void parsesIpv4Block() {
        Cidr cidr = Cidr.parse("240.0.0.0/4");

        assertThat(cidr.network()).isEqualTo(ip("240.0.0.0"));
        assertThat(cidr.prefixLength()).isEqualTo(4);
        assertThat(cidr.size()).isEqualTo(BigInteger.ONE.shiftLeft(28));
        assertThat(cidr).hasToString("240.0.0.0/4");
    }

    @Test
    void parsesIpv6Block() {
        Cidr cidr = Cidr.parse("fd00:fd00::/64");

        assertThat(cidr.network()).isEqualTo(ip("fd00:fd00::"));
        assertThat(cidr.prefixLength()).isEqualTo(64);
        assertThat(cidr.addressBits()).isEqualTo(128);
        assertThat(cidr.size()).isEqualTo(BigInteger.ONE.shiftLeft(64));
    }

    @ParameterizedTest
    @CsvSource({
        "240.0.0.0/4,     240.0.0.1,       true",
        "240.0.0.0/4,     255.255.255.255, true",
        "240.0.0.0/4,     239.255.255.255, false",
        "10.1.2.0/24,     10.1.2.200,      true",
        "10.1.2.0/24,     10.1.3.0,        false",
        "0.0.0.0/0,       1.2.3.4,         true",
        "10.1.2.3/32,     10.1.2.3,        true",
        "10.1.2.3/32,     10.1.2.4,        false",
        "fd00:fd00::/64,  fd00:fd00::7,    true",
        "fd00:fd00::/64,  fd00:fd00:0:1::, false",
        "fd00:fd00::/64,  240.0.0.1,       false",
        "240.0.0.0/4,     fd00:fd00::1,    false",
        "128.0.0.0/1,     255.0.0.1,       true",
        "128.0.0.0/1,     127.255.255.255, false",
        "10.1.2.2/31,     10.1.2.3,        true",
        "10.1.2.2/31,     10.1.2.4,        false",
    })
    void containsOnlyAddressesOfTheSameFamilyInsideTheBlock(String block, String address, boolean inside) {
        assertThat(Cidr.parse(block).contains(ip(address))).isEqualTo(inside);
    }

    /** {@link Cidr#contains} reads an IPv4 address from its hash code: this fails if the JDK ever changes that. */
    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "240.0.0.1", "255.255.255.255", "127.0.0.1", "10.200.3.4"})
    void anIpv4AddressHashesToItsAddressBits(String address) {
        byte[] bytes = ip(address).getAddress();
        int bits = (bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8 | (bytes[3] & 0xff);

        assertThat(ip(address).hashCode()).isEqualTo(bits);
    }

    @Test
    void containsNothingForNull() {
        assertThat(Cidr.parse("240.0.0.0/4").contains(null)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "240.0.0.0", "240.0.0.0/", "/4", "240.0.0.0/4/4", "240.0.0/4", "256.0.0.0/4", "240.0.0.0/33",
        "240.0.0.0/-1", "240.0.0.0/x", "fd00::/129", "fd00::zz/64", "fe80::1%eth0/64", "localhost/32",
        "::ffff:1.2.3.4/128", "", " 240.0.0.0/4",
    })
    void rejectsMalformedInputNamingIt(String text) {
        assertThatThrownBy(() -> Cidr.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'");
    }

    @Test
    void rejectsHostBitsAndSuggestsTheNetwork() {
        assertThatThrownBy(() -> Cidr.parse("240.0.0.1/4"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'240.0.0.1/4'")
                .hasMessageContaining("did you mean 240.0.0.0/4?");
    }

    @Test
    void rejectsNullNamingIt() {
        assertThatThrownBy(() -> Cidr.parse(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("null");
    }

    @Test
    void equalBlocksAreEqualWhateverHostNameTheAddressCarried() throws UnknownHostException {
        InetAddress named = InetAddress.getByAddress("pool.example", ip("240.0.0.0").getAddress());

        assertThat(new Cidr(named, 4)).isEqualTo(Cidr.parse("240.0.0.0/4"));
    }

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
