package dev.meshdns.forward;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.vip.Cidr;
import java.net.InetAddress;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RecursionAllowTest {
    private final RecursionAllow allow = RecursionAllow.of(List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("10.1.0.0/16"),
            Cidr.parse("::1/128"), Cidr.parse("fd00::/8")));

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"127.0.0.1, true", "127.255.255.254, true", "10.1.200.3, true", "10.2.0.1, false",
            "192.0.2.1, false", "0.0.0.0, false", "::1, true", "fd12:3456::1, true", "fe80::1, false", "::2, false"})
    void aClientIsAllowedExactlyWhenABlockContainsIt(String address, boolean allowed) throws Exception {
        assertThat(allow.allows(InetAddress.getByName(address))).isEqualTo(allowed);
    }

    @Test
    void everyAddressIsAllowedByTheWholeSpaceAndNoneByNothing() throws Exception {
        assertThat(RecursionAllow.of(List.of(Cidr.parse("0.0.0.0/0"))).allows(InetAddress.getByName("203.0.113.9")))
                .isTrue();
        assertThat(RecursionAllow.of(List.of()).allows(InetAddress.getByName("127.0.0.1"))).isFalse();
    }

    @Test
    void theIpv4FastPathAgreesWithTheBlocksOwnCheck() throws Exception {
        Random random = new Random(7);
        List<Cidr> blocks = List.of(Cidr.parse("100.64.0.0/10"), Cidr.parse("192.168.4.0/23"), Cidr.parse("8.8.8.8/32"));
        RecursionAllow fast = RecursionAllow.of(blocks);
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[4];
            random.nextBytes(bytes);
            if (i % 3 == 0) {
                bytes[0] = 100;
                bytes[1] = (byte) (64 + random.nextInt(64));
            }
            InetAddress address = InetAddress.getByAddress(bytes);
            assertThat(fast.allows(address)).as(address.toString())
                    .isEqualTo(blocks.stream().anyMatch(block -> block.contains(address)));
        }
    }
}
