package dev.meshdns.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class IpLiteralsTest {

    @Test
    void ipv4AcceptsOnlyDottedQuads() throws Exception {
        assertThat(IpLiterals.ipv4("240.0.0.100")).contains((java.net.Inet4Address) InetAddress.getByName("240.0.0.100"));
        assertThat(IpLiterals.ipv4("255.255.255.255")).isPresent();
        assertThat(IpLiterals.ipv4("256.0.0.1")).isEmpty();
        assertThat(IpLiterals.ipv4("10.1")).isEmpty();
        assertThat(IpLiterals.ipv4("010.0.0.1")).isEmpty();
        assertThat(IpLiterals.ipv4("localhost")).isEmpty();
        assertThat(IpLiterals.ipv4("1.2.3.4 ")).isEmpty();
    }

    @Test
    void ipv6AcceptsLiteralsAndNeverNames() {
        assertThat(IpLiterals.ipv6("fd00::1")).isPresent();
        assertThat(IpLiterals.ipv6("2001:db8:0:0:0:0:0:1")).isPresent();
        assertThat(IpLiterals.ipv6("::ffff:1.2.3.4")).isEmpty();
        assertThat(IpLiterals.ipv6("fe80::1%eth0")).isEmpty();
        assertThat(IpLiterals.ipv6("fd00:::1")).isEmpty();
        assertThat(IpLiterals.ipv6("example.com")).isEmpty();
        assertThat(IpLiterals.ipv6("1.2.3.4")).isEmpty();
    }
}
