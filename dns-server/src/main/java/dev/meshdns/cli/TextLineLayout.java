package dev.meshdns.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * The text log line: {@code 2026-12-01T22:04:17.123Z INFO  [main] ServeCommand - message}, the date in
 * ISO-8601 with the offset (the JVM's time zone), the level padded to 5, the thread, the logger's simple
 * name, the message, and a throwable's stack on the lines after it: what the pattern
 * {@value #PATTERN} prints, written out so that Logback's pattern parser and its dozens of
 * converter classes are never loaded. Thread-safe once started (no state per event).
 */
public final class TextLineLayout extends LayoutBase<ILoggingEvent> {
    /** The Logback pattern of the same lines (the text format before this layout). */
    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{0} - %msg%n";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");

    private final DateTimeFormatter time;

    /** The layout in the JVM's time zone, as Logback's {@code %d}. */
    public TextLineLayout() {
        this(ZoneId.systemDefault());
    }

    /** The layout with dates in {@code zone}. */
    TextLineLayout(ZoneId zone) {
        time = TIME.withZone(zone);
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(128);
        line.append(time.format(Instant.ofEpochMilli(event.getTimeStamp()))).append(' ');
        String level = event.getLevel().toString();
        line.append(level);
        for (int pad = level.length(); pad < 5; pad++) {
            line.append(' ');
        }
        String logger = event.getLoggerName();
        line.append(" [").append(event.getThreadName()).append("] ")
                .append(logger, logger.lastIndexOf('.') + 1, logger.length())
                .append(" - ").append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            line.append(ThrowableProxyUtil.asString(thrown)); // ends with a line separator
        }
        return line.toString();
    }
}
