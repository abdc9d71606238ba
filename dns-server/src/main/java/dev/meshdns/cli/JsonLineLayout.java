package dev.meshdns.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
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
        string(line, event.getThreadName());
        line.append(",\"logger\":");
        string(line, event.getLoggerName());
        line.append(",\"message\":");
        string(line, event.getFormattedMessage());
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            line.append(",\"stack\":");
            string(line, ThrowableProxyUtil.asString(thrown));
        }
        return line.append('}').append(CoreConstants.LINE_SEPARATOR).toString();
    }

    /** {@code text} as a JSON string, escaped per RFC 8259. */
    static void string(StringBuilder out, String text) {
        out.append('"');
        if (text != null) {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            out.append(String.format("\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
        }
        out.append('"');
    }
}
