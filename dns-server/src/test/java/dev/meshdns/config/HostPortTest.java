package dev.meshdns.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostPortTest {

    @Test
    void parseTakesIpv4BracketedIpv6AndPortZero() throws Exception {
        assertThat(HostPort.parse(" 127.0.0.1:53 ", 53)).isEqualTo(new InetSocketAddress("127.0.0.1", 53));
        assertThat(HostPort.parse("[::1]:0", 53)).isEqualTo(new InetSocketAddress(InetAddress.getByName("::1"), 0));
        assertThat(HostPort.parse("[127.0.0.1]:53", 53)).isEqualTo(new InetSocketAddress("127.0.0.1", 53));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "53", ":53", "127.0.0.1:", "::1:53", "bad host:53", "1.2.3.4:x", "[]:53"})
    void parseRefusesWhatIsNotHostPort(String text) {
        assertThatThrownBy(() -> HostPort.parse(text, 9153)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("must be HOST:PORT, e.g. 127.0.0.1:9153 or [::1]:9153 (got \"" + text + "\")");
    }

    @Test
    void parseNamesAPortOutOfRangeAndNothingGiven() {
        assertThatThrownBy(() -> HostPort.parse("127.0.0.1:70000", 53))
                .hasMessage("port must be from 0 to 65535 (got \"127.0.0.1:70000\")");
        assertThatThrownBy(() -> HostPort.parse("127.0.0.1:-1", 53))
                .hasMessage("port must be from 0 to 65535 (got \"127.0.0.1:-1\")");
        assertThatThrownBy(() -> HostPort.parse(null, 53))
                .hasMessage("must be HOST:PORT, e.g. 127.0.0.1:53 or [::1]:53 (got \"null\")");
    }

    @Test
    void targetKeepsANameUnresolvedAndReturnsTheTextTrimmed() {
        assertThat(HostPort.target(" cp.mesh.invalid:18000 ", 18000)).isEqualTo("cp.mesh.invalid:18000");
        assertThat(HostPort.target("10.0.0.1:1", 18000)).isEqualTo("10.0.0.1:1");
        assertThat(HostPort.target("[fd00::1]:65535", 18000)).isEqualTo("[fd00::1]:65535");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "18000", ":1", "cp:", "::1:1", "not a host:1", "cp:x", "[cp]:1", "[10.0.0.1]:1",
            "[]:1"})
    void targetRefusesWhatIsNotHostPort(String text) {
        assertThatThrownBy(() -> HostPort.target(text, 18000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("must be HOST:PORT, e.g. 127.0.0.1:18000 or [::1]:18000 (got \"" + text + "\")");
    }

    @Test
    void targetRefusesPortZero() {
        assertThatThrownBy(() -> HostPort.target("cp:0", 18000))
                .hasMessage("port must be from 1 to 65535 (got \"cp:0\")");
    }

    @Test
    void textPutsAnIpv6HostInBrackets() throws Exception {
        assertThat(HostPort.text(new InetSocketAddress("127.0.0.1", 53))).isEqualTo("127.0.0.1:53");
        assertThat(HostPort.text(new InetSocketAddress(InetAddress.getByName("::1"), 53)))
                .isEqualTo("[0:0:0:0:0:0:0:1]:53");
    }
}
