package dev.meshdns.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.vip.Cidr;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void serveHelpDocumentsEveryFlagWithItsDefault() {
        assertThat(run("serve", "--help")).isZero();

        assertThat(out.toString()).contains("--catalog-file=PATH", "--dns-listen=HOST:PORT", "127.0.0.1:5653",
                "--data-dir=PATH", "./data", "--zone=NAME", "mesh", "--vip-cidr=CIDR", "240.0.0.0/4",
                "--ttl=SECONDS", "30");
    }

    @Test
    void unknownFlagIsAUsageError() {
        assertThat(run("serve", "--catalog", "x.yaml")).isEqualTo(2);

        assertThat(err.toString()).contains("Unknown option", "'--catalog'");
    }

    @Test
    void missingCommandIsAUsageError() {
        assertThat(run()).isEqualTo(2);

        assertThat(err.toString()).contains("Missing command");
    }

    @Test
    void badConfigurationExitsNonZeroListingEveryProblem() {
        assumeCidrParsingIsMerged();

        int code = run("serve", "--dns-listen", "nowhere", "--zone", "bad zone", "--vip-cidr", "300.0.0.0/4",
                "--ttl", "-5");

        assertThat(code).isEqualTo(ServeCommand.EXIT_CONFIG);
        assertThat(err.toString()).contains("catalog-file is required", "dns-listen must be HOST:PORT",
                "zone must be a DNS name", "vip-cidr must be a block like 240.0.0.0/4", "ttl must be 0 or more");
    }

    /** Cidr.parse is a stub until vip-allocator is merged; this test then runs by itself. */
    private static void assumeCidrParsingIsMerged() {
        try {
            Cidr.parse("240.0.0.0/4");
        } catch (UnsupportedOperationException e) {
            Assumptions.abort("Cidr.parse not implemented yet (vip-allocator not merged)");
        }
    }
}
