package dev.meshdns.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.vip.Cidr;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import dev.meshdns.admin.BuildInfo;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MainTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return runWith(Map.of(), args);
    }

    private int runWith(Map<String, String> env, String... args) {
        CommandLine commandLine = Main.commandLine(env);
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
    void serveHelpDocumentsTheVipStoreAndAdminFlags() {
        assertThat(run("serve", "--help")).isZero();

        String help = out.toString().replaceAll("\\s+", " ");
        // Picocli may break long examples at ':' to fit 80 columns.
        assertThat(help.replace(" ", "")).contains("fd00:fd00::/64",
                "jdbc:postgresql://127.0.0.1:5432/meshdns?user=meshdns");
        assertThat(help).contains(
                "--vip6-cidr=CIDR", "Default: none (IPv4 only).",
                "--aaaa-ipv4-mapped", "::ffff:<IPv4 VIP>", "only to services that have no IPv6 VIP",
                "Default: false.",
                "--vip-quarantine=DURATION", "2h30m", "Default: 1h.",
                "--store=file|postgres|none", "Default: file.",
                "--postgres-url=URL", "Required with --store postgres",
                "--admin-listen=HOST:PORT", "metrics, health, ready", "Default: 127.0.0.1:9153.");
    }

    @Test
    void badVipStoreAndAdminFlagsExitTwoListingEveryProblem() {
        int code = run("serve", "--catalog-file", "catalog.yaml", "--vip6-cidr", "10.0.0.0/8",
                "--vip-quarantine", "-15m", "--store", "postgres", "--dns-listen", "127.0.0.1:5653",
                "--admin-listen", "127.0.0.1:5653");

        assertThat(code).isEqualTo(Main.EXIT_CONFIG);
        assertThat(err.toString()).contains(
                "vip-quarantine must not be negative (got \"-15m\")",
                "vip6-cidr must be an IPv6 block like fd00:fd00::/64 (got 10.0.0.0/8)",
                "postgres-url is required with --store postgres"
                        + " (e.g. jdbc:postgresql://127.0.0.1:5432/meshdns?user=meshdns)",
                "admin-listen must use another port than dns-listen on the same address"
                        + " (admin-listen 127.0.0.1:5653, dns-listen 127.0.0.1:5653)",
                "See 'mesh-dns serve --help'.");
        assertThat(err.toString().lines().filter(line -> line.startsWith("  - "))).hasSize(4);
    }

    @Test
    void badControlPlaneTlsFlagsExitTwoListingEveryProblem(@TempDir Path dir) {
        Path ca = dir.resolve("ca.pem");
        Path cert = dir.resolve("client.pem");

        int code = run("serve", "--control-plane", "127.0.0.1:18000", "--control-plane-ca", ca.toString(),
                "--control-plane-cert", cert.toString());

        assertThat(code).isEqualTo(Main.EXIT_CONFIG);
        assertThat(err.toString().lines().filter(line -> line.startsWith("  - "))).containsExactly(
                "  - control-plane-ca must be a readable PEM file (got " + ca + ")",
                "  - control-plane-cert must be a readable PEM file (got " + cert + ")",
                "  - control-plane-cert and control-plane-key are given together for mutual TLS"
                        + " (got only control-plane-cert)");
    }

    @Test
    void aStoreInUpperCaseIsAcceptedButAnUnknownOneIsNamed() {
        int code = run("serve", "--catalog-file", "catalog.yaml", "--store", "mysql",
                "--postgres-url", "jdbc:mysql://db/meshdns?user=u&password=s3cret", "--vip-quarantine", "soon");

        assertThat(code).isEqualTo(Main.EXIT_CONFIG);
        assertThat(err.toString()).contains("store must be file, postgres or none (got \"mysql\")",
                "vip-quarantine must be a duration like 90s, 15m, 1h, 2h30m, 1d or PT1H (got \"soon\")",
                "postgres-url must start with jdbc:postgresql://", "password=***")
                .doesNotContain("s3cret", "only used with");
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

        assertThat(code).isEqualTo(Main.EXIT_CONFIG);
        assertThat(err.toString()).contains("catalog-file or control-plane is required", "dns-listen must be HOST:PORT",
                "zone must be a DNS name", "vip-cidr must be a block like 240.0.0.0/4", "ttl must be 0 or more");
    }

    @Test
    void versionPrintsTheVersionOfTheBuild() {
        assertThat(run("--version")).isZero();

        assertThat(BuildInfo.version()).matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(out.toString().trim()).isEqualTo("mesh-dns " + BuildInfo.version());
    }

    @Test
    void checkConfigOfAGoodConfigurationExitsZeroWithAOneLineSummaryAndStartsNothing(@TempDir Path dir)
            throws Exception {
        Path catalog = Files.writeString(dir.resolve("catalog.yaml"), "services:\n  - service: web\n");
        Path config = Files.writeString(dir.resolve("config.yaml"), "catalog-file: " + catalog + "\n"
                + "data-dir: " + dir.resolve("data") + "\n" + "dns-listen: 127.0.0.1:5653\n"
                + "upstream: [10.96.0.10]\n");

        int code = runWith(Map.of("MESHDNS_ZONE", "corp"), "serve", "--config", config.toString(), "--check-config",
                "--lameduck", "10s");

        assertThat(code).isZero();
        assertThat(out.toString().lines()).singleElement().asString().startsWith("configuration OK: dns 127.0.0.1:5653,")
                .contains("zone corp", "catalog " + catalog, "upstreams 1", "lameduck 10s");
        assertThat(err.toString()).isEmpty();
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void checkConfigListsTheProblemsOfEverySourceAtOnceAndExitsTwo(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("config.yaml"), "catalog-file: " + dir.resolve("missing.yaml")
                + "\nlisten: 0.0.0.0:53\n");

        int code = runWith(Map.of("MESHDNS_TTL", "thirty", "MESHDNS_LOGLEVEL", "debug"), "serve", "--config",
                config.toString(), "--check-config", "--lameduck", "soon", "--log-format", "xml");

        assertThat(code).isEqualTo(Main.EXIT_CONFIG);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString().lines().filter(line -> line.startsWith("  - "))).containsExactlyInAnyOrder(
                "  - unknown environment variable MESHDNS_LOGLEVEL (the variables are MESHDNS_<FLAG>, e.g."
                        + " MESHDNS_DNS_LISTEN; see 'mesh-dns serve --help' for the flags)",
                "  - unknown key \"listen\" in config " + config + " (the keys are the 'mesh-dns serve' flags"
                        + " without --, e.g. dns-listen)",
                "  - lameduck must be a duration like 90s, 15m, 1h, 2h30m, 1d or PT1H (got \"soon\")",
                "  - log-format must be text or json (got \"xml\")",
                "  - ttl must be a whole number of seconds (got \"thirty\")",
                "  - catalog-file " + dir.resolve("missing.yaml") + " does not exist (serve would wait for it)");
    }

    @Test
    void checkConfigReportsRejectedCatalogEntriesAndAMissingResolvConf(@TempDir Path dir) throws Exception {
        Path catalog = Files.writeString(dir.resolve("catalog.yaml"), "services:\n  - service: web.shop\n");

        int code = run("serve", "--catalog-file", catalog.toString(), "--data-dir", dir.resolve("data").toString(),
                "--upstream-resolv-conf", dir.resolve("resolv.conf").toString(), "--check-config");

        assertThat(code).isEqualTo(Main.EXIT_CONFIG);
        assertThat(err.toString()).contains("  - catalog-file " + catalog + ": catalog entry #1 (service \"web.shop\")",
                "  - upstream-resolv-conf " + dir.resolve("resolv.conf") + " is not a readable file");
    }

    @Test
    void aDataDirThatCannotBeCreatedNamesTheFlagAndThePath(@TempDir Path dir) throws Exception {
        Path file = Files.createFile(dir.resolve("file"));

        int code = run("serve", "--catalog-file", "catalog.yaml", "--data-dir", file.resolve("data").toString());

        assertThat(code).isEqualTo(Main.EXIT_CONFIG);
        assertThat(err.toString()).contains("  - data-dir cannot be created: " + file + " is a file (got "
                + file.resolve("data") + ")");
    }

    @Test
    void aBadLogLevelIsAConfigurationProblem() {
        int code = run("serve", "--catalog-file", "catalog.yaml", "--log-level", "trace");

        assertThat(code).isEqualTo(Main.EXIT_CONFIG);
        assertThat(err.toString()).contains("  - log-level must be error, warn, info or debug (got \"trace\")");
    }

    @Test
    void theSettingsOfServeAreItsFlagsWithoutDashesAndTheirVariables() {
        assertThat(Main.serveSettings()).contains("dns-listen", "postgres-url", "upstream", "lameduck")
                .doesNotContain("config", "check-config", "help");
        assertThat(Main.environmentVariable("postgres-url")).isEqualTo("MESHDNS_POSTGRES_URL");
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
