package dev.meshdns.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

class JsonLineLayoutTest {
    private final LoggerContext context = new LoggerContext();
    private final JsonLineLayout layout = new JsonLineLayout();

    private String line(String message, Throwable thrown) {
        layout.setContext(context);
        layout.start();
        LoggingEvent event = new LoggingEvent("test", context.getLogger("dev.meshdns.cli.ServeCommand"), Level.WARN,
                message, thrown, null);
        event.setThreadName("meshdns-\"main\"");
        event.setTimeStamp(1_764_590_400_123L); // 2025-12-01T12:00:00.123Z
        return layout.doLayout(event);
    }

    @Test
    void anEventIsOneJsonObjectOnOneLineWithTimeLevelThreadLoggerAndMessage() {
        String line = line("cannot listen on --dns-listen 127.0.0.1:5653\n(tcp): \"in use\"\t\u0001", null);

        assertThat(line).endsWith("}" + System.lineSeparator());
        assertThat(line.strip().lines()).hasSize(1);
        JsonObject json = JsonParser.parseString(line).getAsJsonObject();
        assertThat(json.get("time").getAsString()).isEqualTo("2025-12-01T12:00:00.123Z");
        assertThat(json.get("level").getAsString()).isEqualTo("WARN");
        assertThat(json.get("thread").getAsString()).isEqualTo("meshdns-\"main\"");
        assertThat(json.get("logger").getAsString()).isEqualTo("dev.meshdns.cli.ServeCommand");
        assertThat(json.get("message").getAsString())
                .isEqualTo("cannot listen on --dns-listen 127.0.0.1:5653\n(tcp): \"in use\"\t\u0001");
        assertThat(json.has("stack")).isFalse();
    }

    @Test
    void aThrowableGoesIntoStackAsOneString() {
        String line = line("failed", new IllegalStateException("boom"));

        JsonObject json = JsonParser.parseString(line).getAsJsonObject();
        assertThat(json.get("stack").getAsString()).startsWith("java.lang.IllegalStateException: boom")
                .contains("at dev.meshdns.cli.JsonLineLayoutTest");
    }
}
