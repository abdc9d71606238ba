package dev.meshdns.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.meshdns.vip.Cidr;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Uses typed CIDRs (the record's constructor), so it does not depend on Cidr.parse. */
class ServerConfigTest {
    @TempDir
    Path dir;

    private Cidr pool() throws Exception {
        return new Cidr(InetAddress.getByName("240.0.0.0"), 4);
    }

    @Test
    void defaultsApplyAndTheZoneIsNormalized() throws Exception {
        ServerConfig config = ServerConfig.builder().catalogFile(dir.resolve("catalog.yaml")).vipCidr(pool())
                .zone("Mesh.").build();

        assertThat(config.dnsListen()).isEqualTo(new InetSocketAddress("127.0.0.1", 5653));
        assertThat(config.dataDir()).isEqualTo(Path.of("./data"));
        assertThat(config.zone()).isEqualTo("mesh");
        assertThat(config.ttlSeconds()).isEqualTo(30);
        assertThat(config.tcpIdleTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.maxTcpConnections()).isEqualTo(150);
        assertThat(config.maxTcpConnectionsPerSource()).isEqualTo(50);
        assertThat(config.vip6Cidr()).isNull();
        assertThat(config.aaaaIpv4Mapped()).isFalse();
        assertThat(config.vipQuarantine()).isEqualTo(Duration.ofHours(1));
        assertThat(config.store()).isEqualTo(StoreKind.FILE);
        assertThat(config.postgresUrl()).isNull();
        assertThat(config.adminListen()).isEqualTo(new InetSocketAddress("127.0.0.1", 9153));
    }

    @Test
    void textDefaultsOfTheCommandLineMatchTheTypedDefaults() {
        assertThat(Durations.parse(ServerConfig.DEFAULT_VIP_QUARANTINE_TEXT))
                .isEqualTo(ServerConfig.DEFAULT_VIP_QUARANTINE);
        assertThat(StoreKind.parse(ServerConfig.DEFAULT_STORE_TEXT)).isEqualTo(ServerConfig.DEFAULT_STORE);
    }

    @Test
    void everyProblemIsListedInOneError() throws Exception {
        Path file = Files.createFile(dir.resolve("not-a-dir"));

        InvalidConfigException error = catchThrowableOfType(InvalidConfigException.class, () -> ServerConfig.builder()
                .dnsListen("localhost")
                .dataDir(file)
                .zone("bad zone!")
                .vipCidr(new Cidr(InetAddress.getByName("fd00::"), 64))
                .ttlSeconds("thirty")
                .tcpIdleTimeout(Duration.ZERO)
                .maxTcpConnections(0)
                .maxTcpConnectionsPerSource(-1)
                .build());

        assertThat(error.problems()).containsExactly(
                "dns-listen must be HOST:PORT, e.g. 127.0.0.1:5653 or [::1]:5653 (got \"localhost\")",
                "ttl must be a whole number of seconds (got \"thirty\")",
                "catalog-file or control-plane is required (the catalog YAML with a \"services:\" list, "
                        + "or the xDS control plane's HOST:PORT)",
                "data-dir must be a directory (got the file " + file + ")",
                "zone must be a DNS name of labels of 1..63 letters, digits, '-' or '_' (got \"bad zone!\")",
                "vip-cidr must be an IPv4 block like 240.0.0.0/4 (got fd00:0:0:0:0:0:0:0/64)",
                "tcp-idle-timeout must be positive (got PT0S)",
                "max-tcp-connections must be at least 1 (got 0)",
                "max-tcp-connections-per-source must be from 1 to max-tcp-connections (0) (got -1)");
        assertThat(error).hasMessageStartingWith("invalid configuration:\n  - dns-listen must be HOST:PORT");
    }

    @Test
    void dnsListenAcceptsIpv4Ipv6AndPortZero() throws Exception {
        ServerConfig.Builder builder = ServerConfig.builder().catalogFile(dir.resolve("c.yaml")).vipCidr(pool());

        assertThat(builder.dnsListen("[::1]:53").build().dnsListen())
                .isEqualTo(new InetSocketAddress(InetAddress.getByName("::1"), 53));
        assertThat(builder.dnsListen("0.0.0.0:0").build().dnsListen().getPort()).isZero();
    }

    @Test
    void dnsListenRejectsBadPortsAndHostsWithoutLookingThemUp() {
        for (String bad : new String[] {"127.0.0.1:70000", "127.0.0.1:", ":53", "::1:53", "bad host:53", "1.2.3.4:x"}) {
            InvalidConfigException error = catchThrowableOfType(InvalidConfigException.class, () ->
                    ServerConfig.builder().catalogFile(dir.resolve("c.yaml")).vipCidr(pool()).dnsListen(bad).build());
            assertThat(error.problems()).as(bad).singleElement().asString().startsWith("dns-listen ").contains(bad);
        }
    }

    @Test
    void catalogFileThatIsADirectoryIsAProblemButAMissingFileIsNot() throws Exception {
        assertThat(ServerConfig.builder().catalogFile(dir.resolve("later.yaml")).vipCidr(pool()).build()).isNotNull();

        InvalidConfigException error = catchThrowableOfType(InvalidConfigException.class,
                () -> ServerConfig.builder().catalogFile(dir).vipCidr(pool()).build());

        assertThat(error.problems()).containsExactly("catalog-file must be a file, not a directory (got " + dir + ")");
    }

    @Test
    void rateLimitingIsOffByDefault() throws Exception {
        assertThat(valid().build().rateLimit()).isEqualTo(RateLimitConfig.OFF);
        assertThat(RateLimitConfig.OFF.enabled()).isFalse();
    }

    @Test
    void rateLimitSettingsAreParsedFromText() throws Exception {
        ServerConfig config = valid().rrlRate("20").rrlSlip("2").rrlTableSize("1024").build();

        assertThat(config.rateLimit()).isEqualTo(new RateLimitConfig(20, 2, 1024));
        assertThat(config.rateLimit().enabled()).isTrue();
    }

    @Test
    void badRateLimitSettingsNameTheFlagAndTheValue() throws Exception {
        InvalidConfigException error = catchThrowableOfType(InvalidConfigException.class,
                () -> valid().rrlRate("-5").rrlSlip("-1").rrlTableSize("0").build());
        InvalidConfigException unparsed = catchThrowableOfType(InvalidConfigException.class,
                () -> valid().rrlRate("fast").build());

        assertThat(error.problems()).containsExactly(
                "rrl-rate must be from 0 (off) to 1048575 replies per second (got -5)",
                "rrl-slip must be 0 (drop every limited reply) or more (got -1)",
                "rrl-table-size must be from 1 to 16777216 (got 0)");
        assertThat(unparsed.problems()).containsExactly("rrl-rate must be a whole number (got \"fast\")");
    }

    @Test
    void slipOrTableSizeWithoutARateIsAProblem() throws Exception {
        InvalidConfigException error = catchThrowableOfType(InvalidConfigException.class,
                () -> valid().rrlSlip("2").rrlTableSize("4096").build());

        assertThat(error.problems()).containsExactly("rrl-slip is only used with --rrl-rate",
                "rrl-table-size is only used with --rrl-rate");
    }

    @Test
    void recordConstructorValidatesToo() {
        InvalidConfigException error = catchThrowableOfType(InvalidConfigException.class, () -> new ServerConfig(
                null, null, null, null, null, -1, null, 150, 50, null, false, null, null, null, null, null, null, null, null, null, false, null, null, -1));

        assertThat(error.problems()).containsExactly(
                "catalog-file or control-plane is required (the catalog YAML with a \"services:\" list, "
                        + "or the xDS control plane's HOST:PORT)",
                "dns-listen is required",
                "data-dir is required",
                "zone is required",
                "vip-cidr is required",
                "ttl must be 0 or more seconds (got -1)",
                "tcp-idle-timeout must be positive (got null)",
                "vip-quarantine is required",
                "store is required",
                "admin-listen is required",
                "grpc-listen is required",
                "udp-threads must be from 0 (one per two cores) to 256 (got -1)");
    }

    private ServerConfig.Builder valid() throws Exception {
        return ServerConfig.builder().catalogFile(dir.resolve("c.yaml")).vipCidr(pool());
    }

    private InvalidConfigException problemsOf(ServerConfig.Builder builder) {
        return catchThrowableOfType(InvalidConfigException.class, builder::build);
    }

    @Test
    void vip6CidrTakesAnIpv6BlockOrNothing() throws Exception {
        assertThat(valid().vip6Cidr("fd00:fd00::/64").build().vip6Cidr())
                .isEqualTo(new Cidr(InetAddress.getByName("fd00:fd00::"), 64));
        assertThat(valid().vip6Cidr(new Cidr(InetAddress.getByName("fd00::"), 48)).build().vip6Cidr().prefixLength())
                .isEqualTo(48);
        assertThat(valid().vip6Cidr("fd00::/64").vip6Cidr(" ").build().vip6Cidr()).isNull();
        assertThat(valid().vip6Cidr((String) null).build().vip6Cidr()).isNull();

        assertThat(problemsOf(valid().vip6Cidr(new Cidr(InetAddress.getByName("10.0.0.0"), 8))).problems())
                .containsExactly("vip6-cidr must be an IPv6 block like fd00:fd00::/64 (got 10.0.0.0/8)");
        assertThat(problemsOf(valid().vip6Cidr("10.0.0.0/8")).problems())
                .containsExactly("vip6-cidr must be an IPv6 block like fd00:fd00::/64 (got 10.0.0.0/8)");
        assertThat(problemsOf(valid().vip6Cidr("fd00::/200")).problems()).singleElement().asString()
                .startsWith("vip6-cidr must be a block like fd00:fd00::/64 (got \"fd00::/200\"): invalid CIDR");
    }

    @Test
    void aaaaIpv4MappedIsAllowedWithAndWithoutAnIpv6Pool() throws Exception {
        assertThat(valid().aaaaIpv4Mapped(true).build().aaaaIpv4Mapped()).isTrue();
        ServerConfig both = valid().aaaaIpv4Mapped("TRUE").vip6Cidr("fd00:fd00::/64").build();
        assertThat(both.aaaaIpv4Mapped()).isTrue();
        assertThat(both.vip6Cidr()).isNotNull();
        assertThat(valid().aaaaIpv4Mapped(true).aaaaIpv4Mapped("false").build().aaaaIpv4Mapped()).isFalse();

        assertThat(problemsOf(valid().aaaaIpv4Mapped("yes")).problems())
                .containsExactly("aaaa-ipv4-mapped must be true or false (got \"yes\")");
    }

    @Test
    void vipQuarantineTakesCompactAndIsoDurationsZeroIncluded() throws Exception {
        assertThat(valid().vipQuarantine("90s").build().vipQuarantine()).isEqualTo(Duration.ofSeconds(90));
        assertThat(valid().vipQuarantine("2h30m").build().vipQuarantine()).isEqualTo(Duration.ofMinutes(150));
        assertThat(valid().vipQuarantine("1d").build().vipQuarantine()).isEqualTo(Duration.ofDays(1));
        assertThat(valid().vipQuarantine("PT1H").build().vipQuarantine()).isEqualTo(Duration.ofHours(1));
        assertThat(valid().vipQuarantine("0s").build().vipQuarantine()).isZero();
        assertThat(valid().vipQuarantine(Duration.ZERO).build().vipQuarantine()).isZero();
    }

    @Test
    void vipQuarantineRefusesNegativeAndMalformedValuesNamingThem() throws Exception {
        assertThat(problemsOf(valid().vipQuarantine("-1h")).problems())
                .containsExactly("vip-quarantine must not be negative (got \"-1h\")");
        assertThat(problemsOf(valid().vipQuarantine("1 hour")).problems())
                .containsExactly("vip-quarantine must be a duration like 90s, 15m, 1h, 2h30m, 1d or PT1H"
                        + " (got \"1 hour\")");
        assertThat(problemsOf(valid().vipQuarantine(Duration.ofHours(-1))).problems())
                .containsExactly("vip-quarantine must not be negative (got PT-1H)");
        assertThat(problemsOf(valid().vipQuarantine((Duration) null)).problems())
                .containsExactly("vip-quarantine is required");
    }

    @Test
    void storeIsFilePostgresOrNoneInLowerCaseOnTheCommandLine() throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:5432/meshdns?user=meshdns";
        ServerConfig postgres = valid().store("postgres").postgresUrl(url).build();
        assertThat(postgres.store()).isEqualTo(StoreKind.POSTGRES);
        assertThat(postgres.postgresUrl()).isEqualTo(url);
        assertThat(valid().store("POSTGRES").postgresUrl(url).build().store()).isEqualTo(StoreKind.POSTGRES);
        assertThat(valid().store(StoreKind.POSTGRES).store("file").build().store()).isEqualTo(StoreKind.FILE);
        assertThat(StoreKind.POSTGRES.cliName()).isEqualTo("postgres");
        assertThat(valid().store("none").build().store()).isEqualTo(StoreKind.NONE);
        assertThat(problemsOf(valid().store("none").postgresUrl(url)).problems())
                .containsExactly("postgres-url is only used with --store postgres (got --store none)");

        // A misspelt store is the one problem; the URL is not called unused because of it.
        assertThat(problemsOf(valid().store("postgress").postgresUrl(url)).problems())
                .containsExactly("store must be file, postgres or none (got \"postgress\")");
        assertThat(problemsOf(valid().store((StoreKind) null)).problems()).containsExactly("store is required");
    }

    @Test
    void transportIsAutoByDefaultAndOneOfFourInAnyCase() throws Exception {
        assertThat(valid().build().transport()).isEqualTo(TransportChoice.AUTO);
        assertThat(valid().transport("io_uring").build().transport()).isEqualTo(TransportChoice.IO_URING);
        assertThat(valid().transport(" EPOLL ").build().transport()).isEqualTo(TransportChoice.EPOLL);
        assertThat(valid().transport("nio").build().transport()).isEqualTo(TransportChoice.NIO);
        assertThat(problemsOf(valid().transport("uring")).problems())
                .containsExactly("transport must be auto, io_uring, epoll or nio (got \"uring\")");
    }

    @Test
    void udpThreadsDefaultToOnePerTwoCoresAndMayBeSetFromOneTo256() throws Exception {
        assertThat(valid().build().udpThreads()).isZero();
        assertThat(valid().build().udpEventLoops())
                .isEqualTo(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
        assertThat(valid().udpThreads("3").build().udpEventLoops()).isEqualTo(3);
        assertThat(valid().udpThreads("256").build().udpEventLoops()).isEqualTo(256);
        assertThat(problemsOf(valid().udpThreads("257")).problems())
                .containsExactly("udp-threads must be from 0 (one per two cores) to 256 (got 257)");
        assertThat(problemsOf(valid().udpThreads("-1").ttlSeconds("-1")).problems())
                .containsExactly("ttl must be 0 or more seconds (got -1)",
                        "udp-threads must be from 0 (one per two cores) to 256 (got -1)");
        assertThat(problemsOf(valid().udpThreads("two")).problems())
                .containsExactly("udp-threads must be a whole number (got \"two\")");
    }

    @Test
    void udpThreadsDefaultIsOnePerTwoCoresAtLeastOne() {
        assertThat(ServerConfig.defaultUdpThreads(1)).isEqualTo(1);
        assertThat(ServerConfig.defaultUdpThreads(2)).isEqualTo(1);
        assertThat(ServerConfig.defaultUdpThreads(3)).isEqualTo(1);
        assertThat(ServerConfig.defaultUdpThreads(8)).isEqualTo(4);
    }

    @Test
    void acceptStoreLossIsOffByDefaultAndOnlyForTheFileStore() throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:5432/meshdns?user=meshdns";

        assertThat(valid().build().acceptStoreLoss()).isFalse();
        assertThat(valid().acceptStoreLoss("true").build().acceptStoreLoss()).isTrue();
        assertThat(problemsOf(valid().acceptStoreLoss("yes")).problems())
                .containsExactly("accept-store-loss must be true or false (got \"yes\")");
        assertThat(problemsOf(valid().store("postgres").postgresUrl(url).acceptStoreLoss(true)).problems())
                .containsExactly("accept-store-loss is only used with --store file (got --store postgres;"
                        + " PostgreSQL keeps its own integrity)");
    }

    @Test
    void postgresUrlIsRequiredWithThePostgresStoreAndOnlyUsedThen() throws Exception {
        assertThat(problemsOf(valid().store("postgres")).problems()).containsExactly(
                "postgres-url is required with --store postgres"
                        + " (e.g. jdbc:postgresql://127.0.0.1:5432/meshdns?user=meshdns)");
        assertThat(problemsOf(valid().store("postgres").postgresUrl("  ")).problems()).singleElement().asString()
                .startsWith("postgres-url is required with --store postgres");
        assertThat(problemsOf(valid().postgresUrl("jdbc:postgresql://db/meshdns")).problems())
                .containsExactly("postgres-url is only used with --store postgres (got --store file)");
        assertThat(problemsOf(valid().store("postgres").postgresUrl("postgresql://db/meshdns")).problems())
                .containsExactly("postgres-url must start with jdbc:postgresql://, e.g."
                        + " jdbc:postgresql://127.0.0.1:5432/meshdns?user=meshdns (got \"postgresql://db/meshdns\")");
    }

    @Test
    void noProblemMessageShowsAPasswordFromTheUrl() throws Exception {
        InvalidConfigException error = problemsOf(valid()
                .postgresUrl("jdbc:mysql://db/meshdns?user=meshdns&password=s3cret&ssl=true"));

        assertThat(error.problems()).containsExactly(
                "postgres-url is only used with --store postgres (got --store file)",
                "postgres-url must start with jdbc:postgresql://, e.g."
                        + " jdbc:postgresql://127.0.0.1:5432/meshdns?user=meshdns"
                        + " (got \"jdbc:mysql://db/meshdns?user=meshdns&password=***&ssl=true\")");
        assertThat(error).message().doesNotContain("s3cret");
        assertThat(problemsOf(valid().store("postgres").postgresUrl("postgres://meshdns:s3cret@db/meshdns")))
                .message().doesNotContain("s3cret").contains("postgres://meshdns:***@db/meshdns");
    }

    @Test
    void toStringMasksThePasswordOfThePostgresUrl() throws Exception {
        // The masking itself is PostgresUrl.mask's (PostgresUrlTest).
        ServerConfig config = valid().store("postgres")
                .postgresUrl("jdbc:postgresql://127.0.0.1/meshdns?user=meshdns&password=s3cret").build();
        assertThat(config.postgresUrl()).contains("s3cret");
        assertThat(config.toString()).doesNotContain("s3cret").contains("password=***", "store=POSTGRES");
    }

    @Test
    void adminListenTakesHostPortAndPortZero() throws Exception {
        assertThat(valid().adminListen("0.0.0.0:9100").build().adminListen())
                .isEqualTo(new InetSocketAddress("0.0.0.0", 9100));
        assertThat(valid().adminListen("[::1]:0").build().adminListen())
                .isEqualTo(new InetSocketAddress(InetAddress.getByName("::1"), 0));
        // Port 0 on both is fine: each gets its own free port.
        assertThat(valid().dnsListen("127.0.0.1:0").adminListen("127.0.0.1:0").build()).isNotNull();
        // The same port on different addresses is fine.
        assertThat(valid().dnsListen("127.0.0.1:5653").adminListen("127.0.0.2:5653").build()).isNotNull();

        assertThat(problemsOf(valid().adminListen("nowhere")).problems())
                .containsExactly("admin-listen must be HOST:PORT, e.g. 127.0.0.1:9153 or [::1]:9153 (got \"nowhere\")");
        assertThat(problemsOf(valid().adminListen((InetSocketAddress) null)).problems())
                .containsExactly("admin-listen is required");
    }

    @Test
    void adminListenMustNotTakeTheDnsPortOnTheSameAddress() throws Exception {
        assertThat(problemsOf(valid().dnsListen("127.0.0.1:5653").adminListen("127.0.0.1:5653")).problems())
                .containsExactly("admin-listen must use another port than dns-listen on the same address"
                        + " (admin-listen 127.0.0.1:5653, dns-listen 127.0.0.1:5653)");
        assertThat(problemsOf(valid().dnsListen("[::1]:53").adminListen("[::1]:53")).problems())
                .containsExactly("admin-listen must use another port than dns-listen on the same address"
                        + " (admin-listen [0:0:0:0:0:0:0:1]:53, dns-listen [0:0:0:0:0:0:0:1]:53)");
        // A wildcard address holds the port on every address.
        assertThat(problemsOf(valid().dnsListen("0.0.0.0:5653").adminListen("127.0.0.1:5653")).problems())
                .singleElement().asString().startsWith("admin-listen must use another port than dns-listen");
        // A dns-listen that did not parse is reported alone, not compared with its default.
        assertThat(problemsOf(valid().dnsListen("5653").adminListen("127.0.0.1:5653")).problems())
                .singleElement().asString().startsWith("dns-listen must be HOST:PORT");
    }

    @Test
    void newProblemsAreListedTogetherWithTheOldOnes() throws Exception {
        InvalidConfigException error = problemsOf(ServerConfig.builder()
                .vipCidr("240.0.0.0/4")
                .vip6Cidr("fd00::/129")
                .vipQuarantine("forever")
                .store("postgres")
                .ttlSeconds(-1)
                .dnsListen("127.0.0.1:9153"));

        assertThat(error.problems()).hasSize(6);
        assertThat(error.problems().get(0)).startsWith("vip6-cidr must be a block like fd00:fd00::/64"
                + " (got \"fd00::/129\"): invalid CIDR 'fd00::/129'");
        assertThat(error.problems().subList(1, 6)).containsExactly(
                "vip-quarantine must be a duration like 90s, 15m, 1h, 2h30m, 1d or PT1H (got \"forever\")",
                "catalog-file or control-plane is required (the catalog YAML with a \"services:\" list, "
                        + "or the xDS control plane's HOST:PORT)",
                "ttl must be 0 or more seconds (got -1)",
                "postgres-url is required with --store postgres"
                        + " (e.g. jdbc:postgresql://127.0.0.1:5432/meshdns?user=meshdns)",
                "admin-listen must use another port than dns-listen on the same address"
                        + " (admin-listen 127.0.0.1:9153, dns-listen 127.0.0.1:9153)");
    }

    @Test
    void controlPlaneAloneIsEnoughAndTheNodeIdDefaultsToTheHostName() throws Exception {
        ServerConfig config = ServerConfig.builder().vipCidr(pool()).controlPlane("cp.mesh.example:18000").build();

        assertThat(config.catalogFile()).isNull();
        assertThat(config.controlPlane().target()).isEqualTo("cp.mesh.example:18000");
        assertThat(config.controlPlane().nodeId()).isNotBlank();
        assertThat(config.controlPlane().usesTls()).isFalse();
        assertThat(config.grpcListen()).isEqualTo(new InetSocketAddress("127.0.0.1", 5678));
    }

    @Test
    void controlPlaneTakesMutualTlsFilesAndANodeId() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "x");
        Path cert = Files.writeString(dir.resolve("cert.pem"), "x");
        Path key = Files.writeString(dir.resolve("key.pem"), "x");

        ControlPlaneConfig plane = valid().controlPlane("[::1]:18000").nodeId("dns-1").controlPlaneCa(ca)
                .controlPlaneCert(cert).controlPlaneKey(key).build().controlPlane();

        assertThat(plane).isEqualTo(new ControlPlaneConfig("[::1]:18000", "dns-1", ca, cert, key));
        assertThat(plane.usesTls()).isTrue();
    }

    @Test
    void controlPlaneProblemsAreListedWithTheOthers() throws Exception {
        InvalidConfigException error = problemsOf(ServerConfig.builder().vipCidr(pool()).controlPlane("cp:0")
                .nodeId(" ").controlPlaneCa(dir.resolve("missing.pem")).controlPlaneCert(dir)
                .grpcListen("127.0.0.1:5653"));

        assertThat(error.problems()).containsExactly(
                "control-plane port must be from 1 to 65535 (got \"cp:0\")",
                "node-id must not be blank (got \"\")",
                "control-plane-ca must be a readable PEM file (got " + dir.resolve("missing.pem") + ")",
                "control-plane-cert must be a readable PEM file (got " + dir + ")",
                "control-plane-cert and control-plane-key are given together for mutual TLS"
                        + " (got only control-plane-cert)",
                "grpc-listen must use another port than dns-listen on the same address"
                        + " (grpc-listen 127.0.0.1:5653, dns-listen 127.0.0.1:5653)");
    }

    @Test
    void controlPlaneFlagsWithoutTheControlPlaneAreProblems() throws Exception {
        assertThat(problemsOf(valid().nodeId("dns-1").controlPlaneKey(dir.resolve("k.pem"))
                .grpcListen("nowhere")).problems()).containsExactly(
                "grpc-listen must be HOST:PORT, e.g. 127.0.0.1:5678 or [::1]:5678 (got \"nowhere\")",
                "node-id is only used with --control-plane (got dns-1)",
                "control-plane-key is only used with --control-plane (got " + dir.resolve("k.pem") + ")");
        assertThat(problemsOf(valid().controlPlane("not a host:1")).problems()).containsExactly(
                "control-plane must be HOST:PORT, e.g. 127.0.0.1:18000 or [::1]:18000 (got \"not a host:1\")");
    }

    @Test
    void nsHostDefaultsToTheSpecificListenAddressAndNoneOnAWildcard() throws Exception {
        ServerConfig specific = valid().dnsListen("127.0.0.2:5653").build();
        ServerConfig wildcard = valid().dnsListen("0.0.0.0:5653").build();
        ServerConfig given = valid().dnsListen("0.0.0.0:5653").nsAddresses(List.of("10.96.0.53", "fd00::53")).build();

        assertThat(specific.nameServer().name(specific.zone())).isEqualTo("ns.dns.mesh");
        assertThat(specific.nameServer().addresses(specific.dnsListen()))
                .containsExactly(InetAddress.getByName("127.0.0.2"));
        assertThat(wildcard.nameServer().addresses(wildcard.dnsListen())).isEmpty();
        assertThat(given.nameServer().addresses(given.dnsListen()))
                .containsExactly(InetAddress.getByName("10.96.0.53"), InetAddress.getByName("fd00::53"));
        assertThat(valid().nsName("DNS1.Mesh.").build().nameServer().name("mesh")).isEqualTo("dns1.mesh");
    }

    @Test
    void nsFlagsNameTheirProblems() throws Exception {
        assertThat(problemsOf(valid().nsName("bad name").nsAddresses(List.of("ns.example"))).problems())
                .containsExactly(
                        "ns-address must be an IPv4 or IPv6 address like 10.96.0.53 (got \"ns.example\")",
                        "ns-name must be a DNS name of labels of 1..63 letters, digits, '-' or '_' (got \"bad name\")");
        assertThat(problemsOf(valid().nsName("ns1.example.com").nsAddresses(List.of("10.0.0.53"))).problems())
                .containsExactly("ns-address is only used with an --ns-name inside --zone mesh (got --ns-name"
                        + " ns1.example.com: a name server outside the zone has its address answered by its own zone)");
    }

    @Test
    void cookieSecretsAreHexKeysAtMostTwoAndNeverShown() throws Exception {
        ServerConfig config = valid().cookieSecrets(List.of("E5E973E5A6B2A43F48E7DC849E37BFCF",
                "445536bcd2513298075a5d379663c962")).cookieRequire("true").build();

        assertThat(config.cookies().secrets()).hasSize(2);
        assertThat(config.cookies().secrets().get(0)).startsWith(0xe5, 0xe9, 0x73);
        assertThat(config.cookies().required()).isTrue();
        assertThat(config.toString()).doesNotContain("e5e973").doesNotContain("E5E973")
                .contains("cookies=CookieConfig[secrets=2 (not shown), required=true]");
        assertThat(valid().build().cookies()).isEqualTo(CookieConfig.DEFAULT);
    }

    @Test
    void cookieFlagsNameTheirProblemsWithoutEchoingTheSecret() throws Exception {
        assertThat(problemsOf(valid().cookieSecrets(List.of("e5e973e5", "zz5e973e5a6b2a43f48e7dc849e37bfcf"))
                .cookieRequire("maybe")).problems()).containsExactly(
                "cookie-secret must be 32 hex digits (16 bytes), e.g. e5e973e5a6b2a43f48e7dc849e37bfcf; shared by"
                        + " every replica behind one address (got 8 characters)",
                "cookie-secret must be 32 hex digits (16 bytes), e.g. e5e973e5a6b2a43f48e7dc849e37bfcf; shared by"
                        + " every replica behind one address (got 33 characters)",
                "cookie-require must be true or false (got \"maybe\")");
        String secret = "00112233445566778899aabbccddeeff";
        assertThat(problemsOf(valid().cookieSecrets(List.of(secret, secret, secret))).problems()).containsExactly(
                "cookie-secret takes at most 2 secrets, the current one first and the previous one of a rotation"
                        + " (got 3)");
    }
}
