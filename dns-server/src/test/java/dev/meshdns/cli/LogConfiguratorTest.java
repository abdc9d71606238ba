package dev.meshdns.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

class LogConfiguratorTest {
    private final LoggerContext context = new LoggerContext();

    @TempDir
    Path dir;

    @Test
    void theRootLogsInfoAndAboveAsTextLinesOnTheConsoleAndNettyOnlyWarnings() {
        ExecutionStatus status = new LogConfigurator().configure(context);

        assertThat(status).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        assertThat(context.getLogger("io.netty").getLevel()).isEqualTo(Level.WARN);
        Appender<ILoggingEvent> console = root.getAppender("CONSOLE");
        assertThat(console).isInstanceOf(ConsoleAppender.class);
        assertThat(console.isStarted()).isTrue();
        assertThat(((ConsoleAppender<ILoggingEvent>) console).getEncoder())
                .isInstanceOfSatisfying(LayoutWrappingEncoder.class,
                        encoder -> assertThat(encoder.getLayout()).isInstanceOf(TextLineLayout.class));
    }

    @Test
    void aConfigurationFileGivenToLogbackIsLeftToLogbacksOwnConfigurators() {
        System.setProperty("logback.configurationFile", "/etc/mesh-dns/logback.xml");
        try {
            ExecutionStatus status = new LogConfigurator().configure(context);

            assertThat(status).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
            assertThat(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("CONSOLE")).isNull();
        } finally {
            System.clearProperty("logback.configurationFile");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"logback.xml", "logback-test.xml"})
    void aConfigurationFileOnTheClassPathIsLeftToLogbacksOwnConfigurators(String file) throws IOException {
        Files.writeString(dir.resolve(file), "<configuration/>");
        try (URLClassLoader classPath = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
            ExecutionStatus status = new LogConfigurator(classPath).configure(context);

            assertThat(status).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
        }
    }
}
