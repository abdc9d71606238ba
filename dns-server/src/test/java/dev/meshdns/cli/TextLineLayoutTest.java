package dev.meshdns.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TextLineLayoutTest {
    private final LoggerContext context = new LoggerContext();

    private LoggingEvent event(Level level, String message, Throwable thrown) {
        LoggingEvent event = new LoggingEvent("test", context.getLogger("dev.meshdns.cli.ServeCommand"), level,
                message, thrown, null);
        event.setThreadName("main");
        event.setTimeStamp(1_764_590_400_123L); // 2025-12-01T12:00:00.123Z
        return event;
    }

    private String text(TextLineLayout layout, LoggingEvent event) {
        layout.setContext(context);
        layout.start();
        return layout.doLayout(event);
    }

    private String pattern(LoggingEvent event) {
        PatternLayout layout = new PatternLayout();
        layout.setContext(context);
        layout.setPattern(TextLineLayout.PATTERN);
        layout.start();
        return layout.doLayout(event);
    }

    @Test
    void aLineIsTheDateLevelThreadLoggersSimpleNameAndMessage() {
        String line = text(new TextLineLayout(ZoneOffset.UTC), event(Level.INFO, "mesh-dns started", null));

        assertThat(line).isEqualTo("2025-12-01T12:00:00.123Z INFO  [main] ServeCommand - mesh-dns started"
                + System.lineSeparator());
    }

    @Test
    void theDateCarriesTheOffsetOfTheZone() {
        String line = text(new TextLineLayout(ZoneId.of("Europe/Berlin")), event(Level.WARN, "x", null));

        assertThat(line).startsWith("2025-12-01T13:00:00.123+01:00 WARN  [main] ");
    }

    @Test
    void everyLevelPrintsWhatTheLogbackPatternPrinted() {
        for (Level level : new Level[] {Level.ERROR, Level.WARN, Level.INFO, Level.DEBUG, Level.TRACE}) {
            LoggingEvent event = event(level, "served {} names", null);
            event.setArgumentArray(new Object[] {100_000});

            assertThat(text(new TextLineLayout(), event)).isEqualTo(pattern(event));
        }
    }

    @Test
    void aThrowableWithItsCausePrintsWhatTheLogbackPatternPrinted() {
        LoggingEvent event = event(Level.ERROR, "start failed",
                new IllegalStateException("boom", new UncheckedIOException(new IOException("disk"))));

        String line = text(new TextLineLayout(), event);

        assertThat(line).isEqualTo(pattern(event)).contains("Caused by: java.io.UncheckedIOException");
    }
}
