package dev.meshdns.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SettingsTest {
    @TempDir
    Path dir;

    private Settings settings(Map<String, String> env, String... serveArgs) {
        CommandLine main = Main.commandLine(env);
        String[] args = new String[serveArgs.length + 1];
        args[0] = "serve";
        System.arraycopy(serveArgs, 0, args, 1, serveArgs.length);
        main.parseArgs(args);
        return Settings.merge(main.getSubcommands().get("serve").getCommandSpec(), env);
    }

    private String config(String yaml) throws Exception {
        return Files.writeString(dir.resolve("config.yaml"), yaml).toString();
    }

    @Test
    void aFlagOverridesItsVariableWhichOverridesTheFileWhichOverridesTheDefault() throws Exception {
        String file = config("dns-listen: 0.0.0.0:5653\nzone: from-file\nttl: 10\n");

        Settings settings = settings(Map.of("MESHDNS_ZONE", "from-env", "MESHDNS_TTL", "20"),
                "--config", file, "--ttl", "40");

        assertThat(settings.one("dns-listen")).isEqualTo("0.0.0.0:5653");
        assertThat(settings.one("zone")).isEqualTo("from-env");
        assertThat(settings.one("ttl")).isEqualTo("40");
        assertThat(settings.one("vip-cidr")).isEqualTo("240.0.0.0/4");
        assertThat(settings.problems()).isEmpty();
    }

    @Test
    void aRepeatableSettingIsAListInTheFileCommaSeparatedInAVariableAndAFlagReplacesIt() throws Exception {
        String file = config("upstream: [10.96.0.10, \"[fd00::10]:53\"]\nrecursion-allow: 10.0.0.0/8\n");

        Settings fromFile = settings(Map.of(), "--config", file);
        Settings fromEnv = settings(Map.of("MESHDNS_UPSTREAM", "10.0.0.1, 10.0.0.2:5353"), "--config", file);
        Settings fromFlags = settings(Map.of("MESHDNS_UPSTREAM", "10.0.0.1"), "--config", file,
                "--upstream", "10.0.0.3", "--upstream", "10.0.0.4");

        assertThat(fromFile.all("upstream")).containsExactly("10.96.0.10", "[fd00::10]:53");
        assertThat(fromFile.all("recursion-allow")).containsExactly("10.0.0.0/8");
        assertThat(fromEnv.all("upstream")).containsExactly("10.0.0.1", "10.0.0.2:5353");
        assertThat(fromFlags.all("upstream")).containsExactly("10.0.0.3", "10.0.0.4");
        assertThat(fromFile.all("recursion-allow")).containsExactly("10.0.0.0/8");
    }

    @Test
    void aSwitchTakesTrueOrFalseAndTheFlagAloneMeansTrue() throws Exception {
        String file = config("aaaa-ipv4-mapped: true\n");

        assertThat(settings(Map.of(), "--config", file).one("aaaa-ipv4-mapped")).isEqualTo("true");
        assertThat(settings(Map.of("MESHDNS_AAAA_IPV4_MAPPED", "false"), "--config", file).one("aaaa-ipv4-mapped"))
                .isEqualTo("false");
        assertThat(settings(Map.of(), "--aaaa-ipv4-mapped").one("aaaa-ipv4-mapped")).isEqualTo("true");
        assertThat(settings(Map.of()).one("aaaa-ipv4-mapped")).isEqualTo("false");
    }

    @Test
    void theConfigFileMayBeNamedByMeshdnsConfig() throws Exception {
        String file = config("zone: corp\n");

        assertThat(settings(Map.of("MESHDNS_CONFIG", file)).one("zone")).isEqualTo("corp");
    }

    @Test
    void anUnknownKeyIsAProblemNamingItAndTheFile() throws Exception {
        String file = config("dns_listen: 0.0.0.0:53\nzone: corp\n");

        Settings settings = settings(Map.of(), "--config", file);

        assertThat(settings.problems()).containsExactly("unknown key \"dns_listen\" in config " + file
                + " (the keys are the 'mesh-dns serve' flags without --, e.g. dns-listen)");
        assertThat(settings.one("zone")).isEqualTo("corp");
    }

    @Test
    void aTaggedValueTheYamlParserCannotBuildIsAProblemNamingTheFile() throws Exception {
        // The same SnakeYAML edge CatalogFileFuzzTest found in the catalog: !!binary with bad base64 threw.
        String file = config("zone: !!binary AAA_A\n");

        assertThat(settings(Map.of(), "--config", file).problems()).singleElement().asString()
                .startsWith("config " + file + " is not valid YAML: ");
    }

    @Test
    void keysThatHoldTheMappingTheyAreInAreAProblemNamingTheFileNotAStackOverflow() throws Exception {
        String file = config("--- &config\n? {a: *config}\n? {b: *config}\n");

        assertThat(settings(Map.of(), "--config", file).problems()).containsExactly("config " + file
                + " is not valid YAML: a key holds, through an alias, the collection it is in");
    }

    @Test
    void anUnknownMeshdnsVariableIsAProblemNamingIt() {
        Settings settings = settings(Map.of("MESHDNS_DNSLISTEN", "0.0.0.0:53", "PATH", "/bin"));

        assertThat(settings.problems()).containsExactly("unknown environment variable MESHDNS_DNSLISTEN (the"
                + " variables are MESHDNS_<FLAG>, e.g. MESHDNS_DNS_LISTEN; see 'mesh-dns serve --help' for the flags)");
    }

    @Test
    void kubernetesServiceLinksAndTheTestHarnessVariablesAreNotOurs() {
        Settings settings = settings(Map.of("MESHDNS_SERVICE_HOST", "10.96.0.53", "MESHDNS_SERVICE_PORT_DNS", "53",
                "MESHDNS_PORT", "udp://10.96.0.53:53", "MESHDNS_PORT_53_UDP_ADDR", "10.96.0.53",
                "MESHDNS_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1/test"));

        assertThat(settings.problems()).isEmpty();
    }

    @Test
    void aListForOneValueAMappingAndAMissingOrNonMappingFileAreProblems() throws Exception {
        String file = config("ttl: [1, 2]\nzone: {name: corp}\n");
        Path list = Files.writeString(dir.resolve("list.yaml"), "- zone\n");

        assertThat(settings(Map.of(), "--config", file).problems()).containsExactly(
                "ttl takes one value, not a list (in config " + file + ")",
                "zone must be a value (in config " + file + ", got {name=corp})");
        assertThat(settings(Map.of(), "--config", dir.resolve("none.yaml").toString()).problems())
                .containsExactly("config " + dir.resolve("none.yaml") + " does not exist");
        assertThat(settings(Map.of(), "--config", list.toString()).problems()).containsExactly("config " + list
                + " must be a mapping of flag names to values, like dns-listen: 0.0.0.0:5653");
    }

    @Test
    void everyServeFlagButTheActionsIsAKeyAndAVariable() {
        CommandLine serve = Main.commandLine(Map.of()).getSubcommands().get("serve");

        assertThat(Settings.names(serve.getCommandSpec()).keySet()).contains("catalog-file", "dns-listen",
                "upstream", "recursion-allow", "aaaa-ipv4-mapped", "postgres-url", "lameduck", "log-level",
                "log-format").doesNotContain("config", "check-config", "help")
                .hasSize(serve.getCommandSpec().options().size() - 3);
        assertThat(Settings.variable("dns-listen")).isEqualTo("MESHDNS_DNS_LISTEN");
        assertThat(Settings.variable("vip6-cidr")).isEqualTo("MESHDNS_VIP6_CIDR");
    }
}
