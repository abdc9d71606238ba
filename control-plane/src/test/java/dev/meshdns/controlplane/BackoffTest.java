package dev.meshdns.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private static Backoff grpc(double random) {
        return new Backoff(Backoff.INITIAL, Backoff.MAX, () -> random);
    }

    private static List<Long> millis(Backoff backoff, int count) {
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            waits.add(backoff.next().toMillis());
        }
        return waits;
    }

    @Test
    void startsAtOneSecondGrowsByOnePointSixWithTwentyPercentJitterAndCapsAtTwoMinutes() {
        Backoff backoff = Backoff.standard();

        assertThat(backoff.next()).isBetween(Duration.ofMillis(800), Duration.ofMillis(1200));
        assertThat(backoff.next()).isBetween(Duration.ofMillis(1280), Duration.ofMillis(1920));
        for (int i = 0; i < 30; i++) {
            backoff.next();
        }
        assertThat(backoff.next()).isBetween(Duration.ofSeconds(96), Duration.ofSeconds(144));
    }

    @Test
    void resetStartsOverAtTheInitialDelay() {
        Backoff backoff = Backoff.standard();
        for (int i = 0; i < 10; i++) {
            backoff.next();
        }

        backoff.reset();

        assertThat(backoff.next()).isBetween(Duration.ofMillis(800), Duration.ofMillis(1200));
    }

    @Test
    void withoutJitterWaitsGrowByOnePointSixFromOneSecondUpTo120Seconds() {
        Backoff backoff = grpc(0.5); // 0.5 is the middle: no jitter

        assertThat(millis(backoff, 13)).containsExactly(1000L, 1600L, 2560L, 4096L, 6553L, 10485L, 16777L,
                26843L, 42949L, 68719L, 109951L, 120000L, 120000L);
    }

    @Test
    void jitterSpreadsEachWaitByTwentyPercentEitherWay() {
        assertThat(millis(grpc(0.0), 2)).containsExactly(800L, 1280L);
        assertThat(millis(grpc(0.999999), 2)).containsExactly(1199L, 1919L);
        Backoff capped = grpc(0.999999);
        millis(capped, 20);
        assertThat(capped.next()).isBetween(Duration.ofSeconds(143), Duration.ofSeconds(144));
    }

    @Test
    void resetStartsOverAtOneSecond() {
        Backoff backoff = grpc(0.5);
        millis(backoff, 5);

        backoff.reset();

        assertThat(millis(backoff, 2)).containsExactly(1000L, 1600L);
    }

    @Test
    void anotherInitialWaitAndCapKeepTheGrowth() {
        Backoff fast = new Backoff(Duration.ofMillis(10), Duration.ofMillis(50), () -> 0.5);

        assertThat(millis(fast, 5)).containsExactly(10L, 16L, 25L, 40L, 50L);
    }
}
