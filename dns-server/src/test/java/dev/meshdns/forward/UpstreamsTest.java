package dev.meshdns.forward;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Order and health bookkeeping; probes (which need sockets) are in UpstreamForwarderIT. */
class UpstreamsTest {
    private static final InetSocketAddress A = new InetSocketAddress("192.0.2.1", 53);
    private static final InetSocketAddress B = new InetSocketAddress("192.0.2.2", 53);
    private static final InetSocketAddress C = new InetSocketAddress("2001:db8::3", 53);

    private final Upstreams upstreams = new Upstreams(null, ForwardMetrics.NONE, Duration.ofMillis(500), Duration.ofSeconds(1));

    @Test
    void upstreamsAreTriedInConfiguredOrder() {
        upstreams.replace(List.of(A, B, C));

        assertThat(order()).containsExactly(A, B, C);
    }

    @Test
    void oneFailureLeavesAnUpstreamUpTwoInARowMarkItDown() {
        upstreams.replace(List.of(A, B));
        Upstream a = upstreams.ordered()[0];

        assertThat(a.failed("timeout")).as("down after the first").isFalse();
        assertThat(a.up()).isTrue();
        assertThat(a.failed("timeout")).as("down after the second").isTrue();
        assertThat(a.up()).isFalse();
        assertThat(upstreams.upCount()).isEqualTo(1);
    }

    @Test
    void aSuccessBetweenFailuresResetsTheCount() {
        upstreams.replace(List.of(A));
        Upstream a = upstreams.ordered()[0];

        a.failed("timeout");
        a.succeeded();
        a.failed("timeout");

        assertThat(a.up()).isTrue();
        assertThat(a.status().consecutiveFailures()).isEqualTo(1);
    }

    @Test
    void downUpstreamsComeAfterTheUpOnes() {
        upstreams.replace(List.of(A, B, C));
        markDown(A);

        assertThat(order()).containsExactly(B, C, A);
    }

    @Test
    void allDownAreStillTriedInConfiguredOrder() {
        upstreams.replace(List.of(A, B));
        markDown(A);
        markDown(B);

        assertThat(order()).containsExactly(A, B);
        assertThat(upstreams.upCount()).isZero();
    }

    @Test
    void replacingTheListKeepsTheHealthOfAddressesThatStay() {
        upstreams.replace(List.of(A, B));
        markDown(B);

        upstreams.replace(List.of(C, B, B));

        assertThat(upstreams.status()).extracting(UpstreamStatus::address).containsExactly(C, B);
        assertThat(upstreams.status()).extracting(UpstreamStatus::up).containsExactly(true, false);
        assertThat(upstreams.status().get(1).lastFailure()).isEqualTo("REFUSED");
    }

    @Test
    void aRemovedUpstreamStopsBeingProbed() {
        upstreams.replace(List.of(A));
        Upstream a = upstreams.ordered()[0];

        upstreams.replace(List.of(B));

        assertThat(a.removed()).isTrue();
        assertThat(a.startProbing()).isFalse();
    }

    @Test
    void statusNamesTheLastFailure() {
        upstreams.replace(List.of(A));
        upstreams.ordered()[0].failed("port unreachable");

        assertThat(upstreams.status()).containsExactly(new UpstreamStatus(A, true, 1, "port unreachable"));
    }

    /** Down without going through Upstreams.failed, which would start a probe on sockets. */
    private void markDown(InetSocketAddress address) {
        Upstream upstream = Arrays.stream(upstreams.ordered()).filter(u -> u.address.equals(address)).findFirst().orElseThrow();
        upstream.failed("REFUSED");
        upstream.failed("REFUSED");
    }

    private List<InetSocketAddress> order() {
        return Arrays.stream(upstreams.ordered()).map(u -> u.address).toList();
    }
}
