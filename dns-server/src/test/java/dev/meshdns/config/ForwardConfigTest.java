package dev.meshdns.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.meshdns.vip.Cidr;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The forwarding flags of {@code mesh-dns serve}, as the builder takes them from the command line. */
class ForwardConfigTest {
    @TempDir
    Path dir;

    private ServerConfig.Builder builder() {
        return ServerConfig.builder().catalogFile(dir.resolve("catalog.yaml"));
    }

    @Test
    void withoutAnUpstreamForwardingIsOff() {
        ForwardConfig forward = builder().build().forward();

        assertThat(forward.enabled()).isFalse();
        assertThat(forward.upstreams()).isEmpty();
    }

    @Test
    void upstreamsKeepTheirOrderAndDefaultToPort53() {
        ForwardConfig forward = builder().upstreams(List.of("10.96.0.10", "127.0.0.1:5353", "[::1]:53", "fd00::10"))
                .build().forward();

        assertThat(forward.enabled()).isTrue();
        assertThat(forward.upstreams()).containsExactly(new InetSocketAddress("10.96.0.10", 53),
                new InetSocketAddress("127.0.0.1", 5353), new InetSocketAddress("::1", 53),
                new InetSocketAddress("fd00::10", 53));
    }

    @Test
    void defaultsAreTheIssuesTwoSecondsOneHourStaleAndAHundredThousandEntriesForLoopbackClients() {
        ForwardConfig forward = builder().upstreams(List.of("127.0.0.1")).build().forward();

        assertThat(forward.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(forward.serveStale()).isEqualTo(Duration.ofHours(1));
        assertThat(forward.cacheEntries()).isEqualTo(100_000);
        assertThat(forward.recursionAllow()).containsExactly(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1/128"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dns.example.com", "10.0.0.1:0", "10.0.0.1:65536", "[10.0.0.1]:53", "::1:53:x", ""})
    void anUpstreamThatIsNotAnIpLiteralIsNamed(String text) {
        InvalidConfigException error = catchThrowableOfType(InvalidConfigException.class,
                () -> builder().upstreams(List.of(text)).build());

        assertThat(error.problems()).singleElement().asString().startsWith("upstream ").contains(text);
    }

    @Test
    void everyForwardingProblemIsListedAtOnce() {
        InvalidConfigException error = catchThrowableOfType(InvalidConfigException.class, () -> builder()
                .upstreams(List.of("127.0.0.1")).upstreamResolvConf(dir.resolve("missing.conf"))
                .recursionAllow(List.of("10.0.0.0/33")).forwardTimeout("0s").serveStale("soon").cacheEntries("-1")
                .build());

        assertThat(error.problems()).hasSize(5).anySatisfy(p -> assertThat(p).startsWith("recursion-allow "))
                .anySatisfy(p -> assertThat(p).startsWith("serve-stale "))
                .anySatisfy(p -> assertThat(p).startsWith("upstream-resolv-conf must be a readable file"))
                .anySatisfy(p -> assertThat(p).startsWith("forward-timeout must be more than 0"))
                .anySatisfy(p -> assertThat(p).startsWith("cache-entries must be 0 or more"));
    }

    @Test
    void anUpstreamThatIsMeshDnsItselfIsAProblem() {
        assertThatThrownBy(() -> builder().dnsListen("127.0.0.1:5653").upstreams(List.of("127.0.0.1:5653")).build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("upstream must not be mesh-dns itself (got 127.0.0.1:5653");
        assertThat(builder().dnsListen("127.0.0.1:5653").upstreams(List.of("127.0.0.1:53")).build().forward()
                .upstreams()).hasSize(1);
    }

    @Test
    void forwardingSettingsWithoutAnUpstreamAreProblems() {
        assertThatThrownBy(() -> builder().forwardTimeout("1s").cacheEntries("10").build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("forward-timeout is only used with --upstream or --upstream-resolv-conf")
                .hasMessageContaining("cache-entries is only used with --upstream or --upstream-resolv-conf");
    }

    @Test
    void aResolvConfAloneTurnsForwardingOn() throws Exception {
        Path resolvConf = Files.writeString(dir.resolve("resolv.conf"), "nameserver 10.96.0.10\n");

        ForwardConfig forward = builder().upstreamResolvConf(resolvConf).serveStale("0s").build().forward();

        assertThat(forward.enabled()).isTrue();
        assertThat(forward.serveStale()).isZero();
    }
}
