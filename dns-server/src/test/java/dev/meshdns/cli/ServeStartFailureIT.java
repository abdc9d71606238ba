package dev.meshdns.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** A start that fails: one log line naming the flag and address, no stack trace, and its exit code. */
class ServeStartFailureIT {
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger log = (Logger) LoggerFactory.getLogger(ServeCommand.class);

    @TempDir
    Path dir;

    @BeforeEach
    void capture() {
        logged.start();
        log.addAppender(logged);
    }

    @AfterEach
    void release() {
        log.detachAppender(logged);
    }

    private int serve(String... flags) throws Exception {
        Path catalog = Files.writeString(dir.resolve("catalog.yaml"), "services:\n  - service: web\n");
        CommandLine commandLine = Main.commandLine(Map.of());
        commandLine.setErr(new PrintWriter(new StringWriter(), true));
        List<String> args = new java.util.ArrayList<>(List.of("serve", "--catalog-file", catalog.toString(),
                "--data-dir", dir.resolve("data").toString(), "--dns-listen", "127.0.0.1:0",
                "--grpc-listen", "127.0.0.1:0", "--lameduck", "0s"));
        args.addAll(List.of(flags));
        return commandLine.execute(args.toArray(String[]::new));
    }

    private List<String> errors() {
        return logged.list.stream().filter(e -> e.getLevel().toString().equals("ERROR"))
                .map(e -> e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : " (with a trace)")).toList();
    }

    @Test
    void anAdminAddressInUseNamesTheFlagAndAddressAndExitsTwo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int code = serve("--admin-listen", "127.0.0.1:" + taken.getLocalPort());

            assertThat(code).isEqualTo(Main.EXIT_CONFIG);
            assertThat(errors()).singleElement().asString().isEqualTo("mesh-dns failed to start: cannot listen on"
                    + " --admin-listen 127.0.0.1:" + taken.getLocalPort() + ": Address already in use");
        }
    }

    @Test
    void aDatabaseThatIsDownIsOneLineNamingTheMaskedUrlAndExitsOne() throws Exception {
        int code = serve("--admin-listen", "127.0.0.1:0", "--store", "postgres", "--postgres-url",
                "jdbc:postgresql://127.0.0.1:1/meshdns?user=meshdns&password=s3cret");

        assertThat(code).isEqualTo(Main.EXIT_START);
        assertThat(errors()).singleElement().asString()
                .startsWith("mesh-dns failed to start: postgres at 127.0.0.1:1/meshdns unavailable: ")
                .doesNotContain("s3cret", "with a trace");
    }
}
