package dev.meshdns.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import dev.meshdns.admin.Json;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One JSON object per log event and line, for log shippers: {@code time} (ISO-8601, UTC),
 * {@code level}, {@code thread}, {@code logger}, {@code message} and, with a throwable,
 * {@code stack}. Logback has no JSON layout of its own; this one needs no dependency.
 * Thread-safe once started (no state per event).
 */
public final class JsonLineLayout extends LayoutBase<ILoggingEvent> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSX")
            .withZone(ZoneOffset.UTC);

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(256);
        line.append("{\"time\":\"").append(TIME.format(Instant.ofEpochMilli(event.getTimeStamp())))
                .append("\",\"level\":\"").append(event.getLevel())
                .append("\",\"thread\":");
        Json.appendString(line, event.getThreadName());
        line.append(",\"logger\":");
        Json.appendString(line, event.getLoggerName());
        line.append(",\"message\":");
        Json.appendString(line, String.valueOf(event.getFormattedMessage()));
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            line.append(",\"stack\":");
            Json.appendString(line, ThrowableProxyUtil.asString(thrown));
        }
        return line.append('}').append(CoreConstants.LINE_SEPARATOR).toString();
    }
}
