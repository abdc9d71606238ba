package dev.meshdns.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.Type;

/**
 * The server under test as a separate JVM, started through the CLI exactly as a user would, with
 * its stdout and stderr in a log file. One test thread drives it.
 */
public final class ServerProcess implements AutoCloseable {
    public static final Duration START_DEADLINE = Duration.ofSeconds(30);
    private static final AtomicInteger STARTED = new AtomicInteger();

    private final Process process;
    private final int port;
    private final Path logFile;
    private final DnsClient client;
    private final AdminClient admin;

    private ServerProcess(Process process, int port, int adminPort, Path logFile) {
        this.process = process;
        this.port = port;
        this.logFile = logFile;
        this.client = new DnsClient(port);
        this.admin = new AdminClient(adminPort);
    }

    /** Starts {@code mesh-dns serve} on a free loopback port (zone mesh, pool 240.0.0.0/4, TTL 30). */
    public static ServerProcess start(Path catalogFile, Path dataDir) {
        return start(catalogFile, dataDir, ServerFlags.defaults());
    }

    /**
     * Starts {@code mesh-dns serve} with these flags, on a free loopback DNS port and a free admin
     * port (never the default 9153, so that servers running at once do not clash).
     */
    public static ServerProcess start(Path catalogFile, Path dataDir, ServerFlags flags) {
        int port = Ports.freeUdpAndTcpPort();
        int adminPort = Ports.freeTcpPort();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-Dio.netty.leakDetection.level=paranoid",
                "-cp", System.getProperty("java.class.path"),
                "dev.meshdns.cli.Main", "serve",
                "--catalog-file", catalogFile.toString(),
                "--dns-listen", "127.0.0.1:" + port,
                "--admin-listen", "127.0.0.1:" + adminPort,
                "--grpc-listen", "127.0.0.1:0",
                "--data-dir", dataDir.toString()));
        command.addAll(flags.arguments());
        try {
            Path logs = Path.of("target", "it-logs").toAbsolutePath();
            Files.createDirectories(logs);
            Path logFile = logs.resolve("mesh-dns-" + ProcessHandle.current().pid() + "-"
                    + STARTED.incrementAndGet() + ".log");
            Files.writeString(logFile, String.join(" ", command.subList(5, command.size())) + "\n",
                    StandardCharsets.UTF_8);
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            return new ServerProcess(process, port, adminPort, logFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** Starts the server and waits until it answers anything on UDP. */
    public static ServerProcess startAndWait(Path catalogFile, Path dataDir) {
        return startAndWait(catalogFile, dataDir, ServerFlags.defaults());
    }

    /** Starts the server with these flags and waits until it answers anything on UDP. */
    public static ServerProcess startAndWait(Path catalogFile, Path dataDir, ServerFlags flags) {
        ServerProcess server = start(catalogFile, dataDir, flags);
        try {
            return server.waitUntilAnswering();
        } catch (RuntimeException | Error e) {
            server.kill();
            throw e;
        }
    }

    /** Polls {@code mesh. SOA} over UDP until any reply arrives; fails fast if the JVM exits. */
    public ServerProcess waitUntilAnswering() {
        byte[] probe = DnsClient.newQuery("mesh.", Type.SOA).toWire();
        long end = System.nanoTime() + START_DEADLINE.toNanos();
        while (System.nanoTime() - end < 0) {
            if (!process.isAlive()) {
                throw new AssertionError("server exited with " + process.exitValue() + " before answering; log:\n" + log());
            }
            Optional<byte[]> reply = client.udpMaybe(probe, Duration.ofMillis(200));
            if (reply.isPresent()) {
                return this;
            }
            Poll.pause(50); // port unreachable comes back at once; do not spin
        }
        throw new AssertionError("server did not answer within " + START_DEADLINE + "; log:\n" + log());
    }

    public int port() {
        return port;
    }

    public DnsClient client() {
        return client;
    }

    /** HTTP to the admin server: /metrics, /health, /ready. */
    public AdminClient admin() {
        return admin;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: the JVM gets no chance to flush or clean up. */
    public void kill() {
        process.destroyForcibly();
        awaitExit();
    }

    /** SIGTERM and wait for the JVM to exit. */
    public void stop() {
        process.destroy();
        if (!awaitExit()) {
            process.destroyForcibly();
            awaitExit();
            throw new AssertionError("server ignored SIGTERM for 10 s; log:\n" + log());
        }
    }

    private boolean awaitExit() {
        try {
            return process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public Path logFile() {
        return logFile;
    }

    public String log() {
        try {
            return Files.readString(logFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}
