package dev.meshdns.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * {@code --log-level} and {@code --log-format}, checked with the other settings and then applied
 * to Logback's root logger and its console appender ({@link TextLineLayout}, or
 * {@link JsonLineLayout}). Immutable; {@link #apply} is meant for the start of a command.
 *
 * @param level  error, warn, info or debug
 * @param json   JSON lines instead of text
 */
record LogSettings(Level level, boolean json) {
    private static final Set<String> LEVELS = Set.of("error", "warn", "info", "debug");

    /** The settings, or null after adding a problem for each bad one. */
    static LogSettings parse(String level, String format, List<String> problems) {
        String lower = level == null ? "" : level.trim().toLowerCase(Locale.ROOT);
        boolean good = true;
        if (!LEVELS.contains(lower)) {
            problems.add("log-level must be error, warn, info or debug (got \"" + level + "\")");
            good = false;
        }
        String kind = format == null ? "" : format.trim().toLowerCase(Locale.ROOT);
        if (!kind.equals("text") && !kind.equals("json")) {
            problems.add("log-format must be text or json (got \"" + format + "\")");
            good = false;
        }
        return good ? new LogSettings(Level.toLevel(lower), kind.equals("json")) : null;
    }

    /** Sets the root level and the console format; does nothing when Logback is not the SLF4J backend. */
    void apply() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(level);
        ch.qos.logback.classic.Logger netty = context.getLogger("io.netty"); // WARN from LogConfigurator: chatty at INFO
        if (level.isGreaterOrEqual(Level.WARN)) {
            netty.setLevel(level);
        }
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof OutputStreamAppender<ILoggingEvent> appender) {
                Encoder<ILoggingEvent> old = appender.getEncoder();
                appender.setEncoder(encoder(context));
                if (old != null) {
                    old.stop();
                }
            }
        }
    }

    private Encoder<ILoggingEvent> encoder(LoggerContext context) {
        return json ? encoder(context, new JsonLineLayout()) : textEncoder(context);
    }

    /** An encoder of {@link TextLineLayout} lines, started. */
    static Encoder<ILoggingEvent> textEncoder(LoggerContext context) {
        return encoder(context, new TextLineLayout());
    }

    private static Encoder<ILoggingEvent> encoder(LoggerContext context, LayoutBase<ILoggingEvent> layout) {
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        return encoder;
    }
}
