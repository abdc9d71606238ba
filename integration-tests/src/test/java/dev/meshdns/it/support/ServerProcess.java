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
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.Type;

/**
 * The server under test as a separate JVM, started through the CLI exactly as a user would, with
 * its stdout and stderr in a log file. One test thread drives it.
 */
public final class ServerProcess implements AutoCloseable {
    public static final Duration START_DEADLINE = Duration.ofSeconds(30);
    private static final AtomicInteger STARTED = new AtomicInteger();

    private final JvmProcess process;
    private final int port;
    private final int adminPort;
    private final int grpcPort;
    private final DnsClient client;
    private final AdminClient admin;
    private final Launch launch;

    /** What a process was started with, so that it can be started again on the same ports. */
    private record Launch(Path catalogFile, Path dataDir, ServerFlags flags, List<String> jvmOptions,
            List<String> commandPrefix) {
    }

    private ServerProcess(Process process, int port, int adminPort, int grpcPort, Path logFile, Launch launch) {
        this.process = new JvmProcess(process, logFile, "server");
        this.port = port;
        this.adminPort = adminPort;
        this.grpcPort = grpcPort;
        this.launch = launch;
        this.client = new DnsClient(port);
        this.admin = new AdminClient(adminPort);
    }

    /** Starts {@code mesh-dns serve} on a free loopback port (zone mesh, pool 240.0.0.0/4, TTL 30). */
    public static ServerProcess start(Path catalogFile, Path dataDir) {
        return start(catalogFile, dataDir, ServerFlags.defaults());
    }

    /**
     * Starts {@code mesh-dns serve} with these flags, on a free loopback DNS port, a free admin
     * port (never the default 9153, so that servers running at once do not clash) and a free gRPC
     * port ({@link #grpcPort()}). A null {@code catalogFile} leaves out {@code --catalog-file}
     * (a server fed by {@code --control-plane} alone).
     */
    public static ServerProcess start(Path catalogFile, Path dataDir, ServerFlags flags) {
        return start(catalogFile, dataDir, flags, List.of("-Xmx256m", "-Dio.netty.leakDetection.level=paranoid"));
    }

    /**
     * As {@link #start(Path, Path, ServerFlags)}, with these JVM options instead of the default
     * 256 MiB heap and paranoid leak detection (a benchmark wants a bigger heap and no leak tracking).
     */
    public static ServerProcess start(Path catalogFile, Path dataDir, ServerFlags flags, List<String> jvmOptions) {
        return start(new Launch(catalogFile, dataDir, flags, jvmOptions, List.of()), Ports.freeUdpAndTcpPort(),
                Ports.freeTcpPort(), Ports.freeTcpPort());
    }

    /**
     * Starts {@code mesh-dns serve} with {@code commandPrefix} in front of {@code java} (e.g. {@code ip
     * netns exec NAME}: then it runs in that network namespace, whose loopback the test cannot reach,
     * so nothing here waits for it) and DNS on {@code 127.0.0.1:dnsPort} (53, as a pod's resolv.conf
     * names it). The admin and gRPC ports are picked free on the test's loopback; a fresh namespace
     * has every port free.
     */
    public static ServerProcess startWithPrefix(List<String> commandPrefix, int dnsPort, Path catalogFile,
            Path dataDir, ServerFlags flags) {
        return start(new Launch(catalogFile, dataDir, flags, List.of("-Xmx256m"), List.copyOf(commandPrefix)),
                dnsPort, Ports.freeTcpPort(), Ports.freeTcpPort());
    }

    /**
     * Starts the same command line again, on the same DNS, admin and gRPC ports (this process must
     * have exited), and waits until it answers.
     */
    public ServerProcess restartAndWait() {
        if (process.isAlive()) {
            throw new IllegalStateException("the server is still running");
        }
        ServerProcess again = start(launch, port, adminPort, grpcPort);
        try {
            return again.waitUntilAnswering();
        } catch (RuntimeException | Error e) {
            again.kill();
            throw e;
        }
    }

    private static ServerProcess start(Launch launch, int port, int adminPort, int grpcPort) {
        Path catalogFile = launch.catalogFile();
        Path dataDir = launch.dataDir();
        ServerFlags flags = launch.flags();
        List<String> jvmOptions = launch.jvmOptions();
        List<String> command = new ArrayList<>(launch.commandPrefix());
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        int shownFrom = command.size() + 2; // the prefix and java's options are not shown
        command.addAll(List.of(
                "-cp", System.getProperty("java.class.path"),
                "dev.meshdns.cli.Main", "serve",
                "--dns-listen", "127.0.0.1:" + port,
                "--admin-listen", "127.0.0.1:" + adminPort,
                "--grpc-listen", "127.0.0.1:" + grpcPort,
                "--data-dir", dataDir.toString()));
        if (catalogFile != null) {
            command.addAll(List.of("--catalog-file", catalogFile.toString()));
        }
        command.addAll(flags.arguments());
        try {
            Path logs = Path.of("target", "it-logs").toAbsolutePath();
            Files.createDirectories(logs);
            Path logFile = logs.resolve("mesh-dns-" + ProcessHandle.current().pid() + "-"
                    + STARTED.incrementAndGet() + ".log");
            Files.writeString(logFile, String.join(" ", command.subList(shownFrom, command.size())) + "\n",
                    StandardCharsets.UTF_8);
            ProcessBuilder builder = new ProcessBuilder(command);
            // Hermetic: a MESHDNS_* variable of the test's shell (MESHDNS_TEST_POSTGRES_URL aside, which
            // the server ignores) would be a setting of every server under test.
            builder.environment().keySet().removeIf(name -> name.startsWith("MESHDNS_"));
            Process process = builder
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            return new ServerProcess(process, port, adminPort, grpcPort, logFile, launch);
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

    /** Polls {@code name A} until it answers NOERROR: the catalog is applied. */
    public ServerProcess awaitName(String name) {
        Poll.until(Poll.RELOAD_DEADLINE, () -> client.query(name, Type.A),
                reply -> reply.getRcode() == org.xbill.DNS.Rcode.NOERROR);
        return this;
    }

    public int port() {
        return port;
    }

    /** The port of {@code --grpc-listen} on 127.0.0.1 (Delta ADS of its entries, {@code meshdns.v1.VipService}). */
    public int grpcPort() {
        return grpcPort;
    }

    /** {@code 127.0.0.1:<grpc port>}, for a follower's {@code --control-plane}. */
    public String grpcTarget() {
        return "127.0.0.1:" + grpcPort;
    }

    public DnsClient client() {
        return client;
    }

    /** HTTP to the admin server: /metrics, /health, /ready. */
    public AdminClient admin() {
        return admin;
    }

    /** The JVM's process id (for jcmd and /proc). */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: the JVM gets no chance to flush or clean up. */
    public void kill() {
        process.kill();
    }

    /** SIGTERM and wait for the JVM to exit. */
    public void stop() {
        process.stop();
    }

    /** SIGTERM without waiting: the server goes through its lameduck while the test watches. */
    public void terminate() {
        process.terminate();
    }

    /** The exit code once the JVM has exited within {@code deadline}; fails (after a SIGKILL) otherwise. */
    public int awaitExit(Duration deadline) {
        return process.awaitExit(deadline);
    }


    public Path logFile() {
        return process.logFile();
    }

    public String log() {
        return process.log();
    }

    /** Polls the log until it contains {@code text}; returns the log then (or fails with it). */
    public String awaitLog(String text, Duration deadline) {
        String log = Poll.until(deadline, this::log, seen -> seen.contains(text));
        if (!log.contains(text)) {
            throw new AssertionError("mesh-dns log has no \"" + text + "\" after " + deadline + ":\n" + log);
        }
        return log;
    }

    @Override
    public void close() {
        process.close();
    }
}
