package dev.meshdns.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshdns.catalog.ServiceEntry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ControlPlaneCommandTest {
    @TempDir
    Path dir;
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
    void helpDocumentsTheTlsFlags() {
        assertThat(run("control-plane", "--help")).isZero();

        String help = out.toString().replaceAll("\\s+", " ");
        assertThat(help).contains("--tls-cert=PATH", "--tls-key=PATH", "--tls-client-ca=PATH", "mutual TLS",
                "Only with --tls-cert.");
    }

    @Test
    void badTlsFlagsExitTwoListingEveryProblemWithTheOthers() {
        Path missing = dir.resolve("missing.key");

        int code = run("control-plane", "--catalog-file", "catalog.yaml", "--listen", "18000",
                "--tls-key", missing.toString(), "--tls-client-ca", dir.toString());

        assertThat(code).isEqualTo(Main.EXIT_CONFIG);
        assertThat(err.toString().lines().filter(line -> line.startsWith("  - "))).containsExactly(
                "  - --listen must be HOST:PORT, e.g. 127.0.0.1:18000 or [::1]:18000 (got \"18000\")",
                "  - --tls-key must be a readable PEM file (got " + missing + ")",
                "  - --tls-client-ca must be a readable PEM file (got " + dir + ")",
                "  - --tls-cert and --tls-key must be given together (got only --tls-key)",
                "  - --tls-client-ca (mutual TLS) needs --tls-cert and --tls-key too (got --tls-client-ca " + dir
                        + " without --tls-cert)");
        assertThat(err.toString()).startsWith("mesh-dns control-plane: invalid configuration:")
                .contains("See 'mesh-dns control-plane --help'.");
    }

    @Test
    void aTlsCertificateWithoutItsKeyIsAConfigurationError() throws Exception {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "x");

        assertThat(run("control-plane", "--catalog-file", "catalog.yaml", "--tls-cert", cert.toString()))
                .isEqualTo(Main.EXIT_CONFIG);

        assertThat(err.toString()).contains("--tls-cert and --tls-key must be given together (got only --tls-cert)");
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
