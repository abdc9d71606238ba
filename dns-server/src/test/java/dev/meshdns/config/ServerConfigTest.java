package dev.meshdns.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.meshdns.vip.Cidr;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
                "catalog-file is required (the catalog YAML with a \"services:\" list)",
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
    void recordConstructorValidatesToo() {
        InvalidConfigException error = catchThrowableOfType(InvalidConfigException.class, () -> new ServerConfig(
                null, null, null, null, null, -1, null, 150, 50));

        assertThat(error.problems()).hasSize(7);
    }
}
