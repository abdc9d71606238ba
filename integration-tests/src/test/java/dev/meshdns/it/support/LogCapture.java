package dev.meshdns.it.support;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * Collects the formatted messages logged in this JVM under one logger name (e.g. the embedded
 * control plane's {@code dev.meshdns.controlplane}), for a test to poll. Thread-safe.
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    private final Logger logger;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private LogCapture(Logger logger) {
        this.logger = logger;
    }

    /** Starts capturing what is logged under {@code loggerName} and its children. */
    public static LogCapture of(String loggerName) {
        Logger logger = (Logger) LoggerFactory.getLogger(loggerName);
        LogCapture capture = new LogCapture(logger);
        capture.setContext(logger.getLoggerContext());
        capture.start();
        logger.addAppender(capture);
        return capture;
    }

    @Override
    protected void append(ILoggingEvent event) {
        lines.add(event.getLevel() + " " + event.getFormattedMessage());
    }

    /** The captured lines so far, level first ("WARN stream 1 ... rejected ..."). */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** Polls until a captured line contains every fragment; returns it or fails listing the lines. */
    public String awaitLine(Duration deadline, String... fragments) {
        String found = Poll.until(deadline, () -> lines.stream()
                .filter(line -> List.of(fragments).stream().allMatch(line::contains))
                .findFirst().orElse(null), line -> line != null);
        if (found == null) {
            throw new AssertionError("no log line with " + List.of(fragments) + " after " + deadline
                    + "; captured:\n" + String.join("\n", lines));
        }
        return found;
    }

    @Override
    public void close() {
        logger.detachAppender(this);
        stop();
    }
}
