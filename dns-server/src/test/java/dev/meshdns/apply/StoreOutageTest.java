package dev.meshdns.apply;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.meshdns.admin.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class StoreOutageTest {
    private static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");
    private static final IOException FULL =
            new IOException("could not make 3 claims durable in /data/vips.journal: No space left on device");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final TestClock clock = new TestClock();
    private final StoreOutage outage = new StoreOutage(new Metrics(registry), clock);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger log = (Logger) LoggerFactory.getLogger(StoreOutage.class);

    @BeforeEach
    void captureLog() {
        logged.start();
        log.addAppender(logged);
    }

    @AfterEach
    void releaseLog() {
        log.detachAppender(logged);
    }

    @Test
    void retriesBackOffFromOneSecondDoublingToTenSeconds() {
        List<Duration> delays = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            delays.add(Duration.between(clock.instant(), outage.failed("allocating VIPs", FULL)));
        }

        assertThat(delays).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
                Duration.ofSeconds(8), Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10));
    }

    @Test
    void theBackoffStartsOverAfterTheStoreWorked() {
        outage.failed("allocating VIPs", FULL);
        outage.failed("allocating VIPs", FULL);
        outage.worked();

        assertThat(outage.failed("allocating VIPs", FULL)).isEqualTo(clock.instant().plusSeconds(1));
    }

    @Test
    void anOutageIsLoggedOnceAtErrorWithItsCauseAndItsEndOnceAtWarn() {
        for (int i = 0; i < 5; i++) {
            outage.failed("allocating VIPs", FULL);
            clock.advance(Duration.ofSeconds(2));
        }
        outage.worked();
        outage.worked();

        assertThat(lines(Level.ERROR)).singleElement().asString()
                .contains("VIP store failing while allocating VIPs")
                .contains("/data/vips.journal: No space left on device");
        assertThat(lines(Level.WARN)).singleElement().asString()
                .contains("VIP store works again after 5 failed attempts in 10 s");
    }

    @Test
    void aNewCauseDuringAnOutageIsLoggedAtWarn() {
        outage.failed("allocating VIPs", FULL);
        outage.failed("allocating VIPs", new IOException("Input/output error"));

        assertThat(lines(Level.ERROR)).hasSize(1);
        assertThat(lines(Level.WARN)).singleElement().asString().contains("now: Input/output error");
    }

    @Test
    void theGaugeAndTheReadinessDetailSayTheStoreIsFailingUntilItWorks() {
        assertThat(gauge()).isZero();
        assertThat(outage.readinessDetail()).isEmpty();

        outage.failed("allocating VIPs", FULL);
        clock.advance(Duration.ofSeconds(1));
        outage.failed("allocating VIPs", FULL);

        assertThat(gauge()).isEqualTo(1);
        assertThat(outage.failing()).isTrue();
        assertThat(outage.readinessDetail()).get().asString()
                .contains("VIP store failing since " + T0 + " (2 failed attempts")
                .contains("No space left on device")
                .contains("new services answer SERVFAIL");
        assertThat(registry.get("meshdns.vip.store.errors").counter().count()).isEqualTo(2);

        outage.worked();

        assertThat(gauge()).isZero();
        assertThat(outage.failing()).isFalse();
        assertThat(outage.readinessDetail()).isEmpty();
    }

    private double gauge() {
        return registry.get("meshdns.vip.store.failing").gauge().value();
    }

    private List<String> lines(Level level) {
        return logged.list.stream().filter(event -> event.getLevel() == level)
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** A clock that stands still until advanced. */
    private static final class TestClock extends Clock {
        private Instant now = T0;

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
