package dev.meshdns.apply;

import dev.meshdns.admin.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the VIP store is failing, and when to try it again: the first failure of an outage is
 * logged once at ERROR with its cause, repeats at DEBUG (WARN when the cause changes), its end once
 * at WARN; retries back off from 1 s, doubling, to every 10 s, so a store that comes back (space
 * freed on a full disk, the database up again) is used again soon without a restart. Sets the
 * {@code meshdns_vip_store_failing} gauge. Confined to the {@code meshdns-vip-store} thread.
 */
final class StoreOutage {
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    static final Duration MAX_RETRY = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(StoreOutage.class);

    private final Metrics metrics;
    private final Clock clock;
    private Instant since; // null while the store works
    private int failures;
    private String cause;

    StoreOutage(Metrics metrics, Clock clock) {
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Counts a failed store call ({@code doing}, e.g. "allocating VIPs") and returns when to try
     * again: {@link #FIRST_RETRY} after the first failure, twice as long after each further one,
     * at most {@link #MAX_RETRY}.
     */
    Instant failed(String doing, Exception e) {
        Instant now = clock.instant();
        String why = e.getMessage() != null ? e.getMessage() : e.toString();
        metrics.vipStoreError();
        failures++;
        if (since == null) {
            since = now;
            metrics.vipStoreFailing(true);
            log.error("VIP store failing while {}: {}; services that hold a VIP keep answering, new ones answer"
                    + " SERVFAIL until it works again (retrying)", doing, why);
        } else if (!why.equals(cause)) {
            log.warn("VIP store still failing (attempt {}) while {}, now: {}", failures, doing, why);
        } else {
            log.debug("VIP store still failing (attempt {}) while {}: {}", failures, doing, why);
        }
        log.debug("VIP store failure", e);
        cause = why;
        return now.plus(retryDelay());
    }

    /** A store call worked: ends an outage, logging once how long it lasted. */
    void worked() {
        if (since == null) {
            return;
        }
        log.warn("VIP store works again after {} failed attempts in {} s (last: {}); new services get their VIPs",
                failures, Duration.between(since, clock.instant()).toSeconds(), cause);
        since = null;
        failures = 0;
        cause = null;
        metrics.vipStoreFailing(false);
    }

    /** Whether the last store call failed. */
    boolean failing() {
        return since != null;
    }

    /** Failed calls since the outage began (0 while the store works). */
    int failures() {
        return failures;
    }

    /** The {@code /ready} line during an outage, with its start and last cause. */
    Optional<String> readinessDetail() {
        if (since == null) {
            return Optional.empty();
        }
        return Optional.of("VIP store failing since " + since + " (" + failures + " failed attempts, retrying): "
                + cause + "; services that hold a VIP answer, new services answer SERVFAIL until it works again");
    }

    private Duration retryDelay() {
        Duration delay = FIRST_RETRY;
        for (int i = 1; i < failures && delay.compareTo(MAX_RETRY) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(MAX_RETRY) < 0 ? delay : MAX_RETRY;
    }
}
