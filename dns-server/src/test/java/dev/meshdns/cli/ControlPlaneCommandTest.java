package dev.meshdns.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshdns.catalog.ServiceEntry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ControlPlaneCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void helpDocumentsEveryFlagWithItsDefault() {
        assertThat(run("control-plane", "--help")).isZero();

        assertThat(out.toString()).contains("--catalog-file=PATH", "--listen=HOST:PORT", "127.0.0.1:18000",
                "--vip-watch=HOST:PORT");
    }

    @Test
    void badListenAddressIsAConfigurationErrorNamingTheFlag() {
        assertThat(run("control-plane", "--catalog-file", "catalog.yaml", "--listen", "18000")).isEqualTo(2);

        assertThat(err.toString()).contains("--listen must be HOST:PORT", "(got \"18000\")");
    }

    @Test
    void catalogFileIsRequired() {
        assertThat(run("control-plane")).isEqualTo(2);

        assertThat(err.toString()).contains("--catalog-file");
    }

    @Test
    void catalogEntryBecomesTheWireServiceEntry() throws Exception {
        ServiceEntry entry = new ServiceEntry("web", List.of("web.shop.mesh"),
                (Inet4Address) InetAddress.getByName("240.0.0.7"), (Inet6Address) InetAddress.getByName("fd00::7"),
                List.of(80, 443));

        dev.meshdns.sync.v1.ServiceEntry wire = ControlPlaneCommand.toProto(entry);

        assertThat(wire.getService()).isEqualTo("web");
        assertThat(wire.getHostnamesList()).containsExactly("web.shop.mesh");
        assertThat(InetAddress.getByName(wire.getVip())).isEqualTo(entry.vip());
        assertThat(InetAddress.getByName(wire.getVip6())).isEqualTo(entry.vip6());
        assertThat(wire.getPortsList()).containsExactly(80, 443);
    }

    @Test
    void entryWithoutPinnedVipsHasEmptyVipFields() {
        dev.meshdns.sync.v1.ServiceEntry wire = ControlPlaneCommand.toProto(ServiceEntry.of("api"));

        assertThat(wire.getVip()).isEmpty();
        assertThat(wire.getVip6()).isEmpty();
    }

    @Test
    void hostPortAcceptsIpv6InBrackets() {
        assertThat(ControlPlaneCommand.hostPort("[::1]:18000").getPort()).isEqualTo(18000);
        assertThatThrownBy(() -> ControlPlaneCommand.hostPort("::1:18000"))
                .hasMessageContaining("must be HOST:PORT");
    }
}
