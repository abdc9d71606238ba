package dev.meshdns.transport;

import static dev.meshdns.transport.ResponseRateLimiter.DROP;
import static dev.meshdns.transport.ResponseRateLimiter.SEND;
import static dev.meshdns.transport.ResponseRateLimiter.SLIP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponseRateLimiterTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long T0 = 1_000 * SECOND;

    @Test
    void aPrefixGetsRatePerSecondThenEverySlipThLimitedReplyIsTruncatedAndTheOthersDropped() {
        ResponseRateLimiter limiter = new ResponseRateLimiter(3, 2, 1024);

        assertThat(outcomes(limiter, "192.0.2.1", T0, 7)).containsExactly(SEND, SEND, SEND, DROP, SLIP, DROP, SLIP);
    }

    @Test
    void theWholeSlash24SharesOneBucket() {
        ResponseRateLimiter limiter = new ResponseRateLimiter(2, 0, 1024);

        assertThat(limiter.check(address("192.0.2.1"), T0)).isEqualTo(SEND);
        assertThat(limiter.check(address("192.0.2.200"), T0)).isEqualTo(SEND);
        assertThat(limiter.check(address("192.0.2.77"), T0)).as("third reply to 192.0.2.0/24").isEqualTo(DROP);
        assertThat(limiter.check(address("192.0.3.1"), T0)).as("another /24").isEqualTo(SEND);
    }

    @Test
    void theWholeSlash56SharesOneBucket() {
        ResponseRateLimiter limiter = new ResponseRateLimiter(1, 0, 1024);

        assertThat(limiter.check(address("2001:db8:0:1200::1"), T0)).isEqualTo(SEND);
        assertThat(limiter.check(address("2001:db8:0:12ff::2"), T0)).as("same /56").isEqualTo(DROP);
        assertThat(limiter.check(address("2001:db8:0:1300::1"), T0)).as("another /56").isEqualTo(SEND);
    }

    @Test
    void tokensComeBackTheNextSecondButNeverMoreThanOneSecondsWorth() {
        ResponseRateLimiter limiter = new ResponseRateLimiter(2, 0, 1024);
        outcomes(limiter, "192.0.2.1", T0, 3);

        assertThat(outcomes(limiter, "192.0.2.1", T0 + SECOND, 3)).containsExactly(SEND, SEND, DROP);
        assertThat(outcomes(limiter, "192.0.2.1", T0 + 60 * SECOND, 3)).as("after a quiet minute")
                .containsExactly(SEND, SEND, DROP);
    }

    @Test
    void slipZeroDropsEveryLimitedReplyAndSlipOneTruncatesEvery() {
        ResponseRateLimiter dropAll = new ResponseRateLimiter(1, 0, 1024);
        ResponseRateLimiter slipAll = new ResponseRateLimiter(1, 1, 1024);

        assertThat(outcomes(dropAll, "192.0.2.1", T0, 4)).containsExactly(SEND, DROP, DROP, DROP);
        assertThat(outcomes(slipAll, "192.0.2.1", T0, 4)).containsExactly(SEND, SLIP, SLIP, SLIP);
    }

    @Test
    void tableSizeIsRoundedUpToAPowerOfTwo() {
        assertThat(new ResponseRateLimiter(1, 1, 1000).tableSize()).isEqualTo(1024);
        assertThat(new ResponseRateLimiter(1, 1, 4096).tableSize()).isEqualTo(4096);
    }

    @Test
    void aTinyTableStillLimitsAFloodWhileOtherPrefixesCome() {
        ResponseRateLimiter limiter = new ResponseRateLimiter(5, 0, 1);
        int sent = 0;
        for (int i = 0; i < 100; i++) {
            sent += limiter.check(address("192.0.2.1"), T0) == SEND ? 1 : 0;
        }
        // one bucket: a newcomer takes it over fresh, which only ever lets more through
        assertThat(sent).isEqualTo(5);
        assertThat(limiter.check(address("198.51.100.1"), T0)).isEqualTo(SEND);
    }

    @Test
    void badSettingsAreRefused() {
        assertThatThrownBy(() -> new ResponseRateLimiter(0, 1, 1024)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ResponseRateLimiter(1, -1, 1024)).isInstanceOf(IllegalArgumentException.class);
    }

    private static List<Integer> outcomes(ResponseRateLimiter limiter, String client, long nanos, int count) {
        List<Integer> outcomes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            outcomes.add(limiter.check(address(client), nanos));
        }
        return outcomes;
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
