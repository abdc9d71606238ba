package dev.meshdns.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
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
}
