package dev.meshdns.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's start-up configuration, in code (found by Logback's service loader): a console appender
 * of {@link TextLineLayout} lines, the root logger at INFO and {@code io.netty} at WARN (chatty at
 * INFO); {@code --log-level} and {@code --log-format} change them later ({@link LogSettings}). In
 * code rather than a {@code logback.xml} because reading that file loads Joran (Logback's XML
 * configurator) and the JDK's XML parser, some 400 classes whose metaspace the server kept for its
 * whole life. A configuration file still wins: {@code -Dlogback.configurationFile=FILE}, or a
 * {@code logback-test.xml} or {@code logback.xml} on the class path (of a test, or of an application
 * embedding the server), and then this steps aside for Logback's own configurators. Stateless.
 */
public final class LogConfigurator extends ContextAwareBase implements Configurator {
    private final ClassLoader classPath;

    /** The configurator Logback's service loader makes: looks for configuration files on its own class path. */
    public LogConfigurator() {
        this(LogConfigurator.class.getClassLoader());
    }

    LogConfigurator(ClassLoader classPath) {
        this.classPath = classPath;
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty(ContextInitializer.CONFIG_FILE_PROPERTY) != null
                || classPath.getResource(ContextInitializer.TEST_AUTOCONFIG_FILE) != null
                || classPath.getResource(ContextInitializer.AUTOCONFIG_FILE) != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("CONSOLE");
        console.setEncoder(LogSettings.textEncoder(context));
        console.start();
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(console);
        context.getLogger("io.netty").setLevel(Level.WARN);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
