package dev.meshdns.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReconnectBackoffTest {

    private static List<Long> millis(ReconnectBackoff backoff, int count) {
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            waits.add(backoff.next().toMillis());
        }
        return waits;
    }

    @Test
    void withoutJitterWaitsGrowByOnePointSixFromOneSecondUpTo120Seconds() {
        ReconnectBackoff backoff = new ReconnectBackoff(() -> 0.5); // 0.5 is the middle: no jitter

        assertThat(millis(backoff, 13)).containsExactly(1000L, 1600L, 2560L, 4096L, 6553L, 10485L, 16777L,
                26843L, 42949L, 68719L, 109951L, 120000L, 120000L);
    }

    @Test
    void jitterSpreadsEachWaitByTwentyPercentEitherWay() {
        assertThat(millis(new ReconnectBackoff(() -> 0.0), 2)).containsExactly(800L, 1280L);
        assertThat(millis(new ReconnectBackoff(() -> 0.999999), 2)).containsExactly(1199L, 1919L);
        ReconnectBackoff capped = new ReconnectBackoff(() -> 0.999999);
        millis(capped, 20);
        assertThat(capped.next()).isBetween(Duration.ofSeconds(143), Duration.ofSeconds(144));
    }

    @Test
    void resetStartsOverAtOneSecond() {
        ReconnectBackoff backoff = new ReconnectBackoff(() -> 0.5);
        millis(backoff, 5);

        backoff.reset();

        assertThat(millis(backoff, 2)).containsExactly(1000L, 1600L);
    }
}
