package dev.meshdns.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
    @ParameterizedTest
    @CsvSource({
        "90s, PT1M30S",
        "15m, PT15M",
        "1h, PT1H",
        "2h30m, PT2H30M",
        "1d, PT24H",
        "1d2h3m4s, PT26H3M4S",
        "0s, PT0S",
        "' 1h ', PT1H",
        "PT1H, PT1H",
        "pt90m, PT1H30M",
        "P1DT2H, PT26H",
        "PT0S, PT0S",
        "-0s, PT0S",
        "500ms, PT0.5S",
        "1s500ms, PT1.5S",
        "2m30ms, PT2M0.03S",
    })
    void acceptsCompactAndIsoForms(String text, String expected) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "1", "0", "h", "1x", "1H", "1h1d", "30m2h", "1h 30m", "1.5h", "+1h", "1hh",
        "P", "PT", "PTx", "P1H", "--1h", "-abc", "1,5h", "5ms1s", "1msms"})
    void refusesMalformedTextNamingIt(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("must be a duration like 90s, 15m, 1h, 2h30m, 1d or PT1H (got \"" + text + "\")");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1h", "-90s", "-PT1H", "PT-1H", "PT1H-61M"})
    void refusesNegativeDurations(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("must not be negative (got \"" + text + "\")");
    }

    @Test
    void refusesNullAndOverflow() {
        assertThatThrownBy(() -> Durations.parse(null))
                .hasMessage("must be a duration like 90s, 15m, 1h, 2h30m, 1d or PT1H (got nothing)");
        assertThatThrownBy(() -> Durations.parse("99999999999999999999d"))
                .hasMessage("is too large (got \"99999999999999999999d\")");
        assertThatThrownBy(() -> Durations.parse("9223372036854775807d"))
                .hasMessage("is too large (got \"9223372036854775807d\")");
    }

    @Test
    void formatIsTheShortestCompactFormAndParsesBack() {
        assertThat(Durations.format(Duration.ofHours(1))).isEqualTo("1h");
        assertThat(Durations.format(Duration.ofMinutes(150))).isEqualTo("2h30m");
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(Durations.format(Duration.ofDays(2).plusSeconds(1))).isEqualTo("2d1s");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1s500ms");
        for (Duration d : new Duration[] {Duration.ofDays(3), Duration.ofSeconds(3725), Duration.ZERO,
                Duration.ofMillis(250)}) {
            assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
        }
    }
}
