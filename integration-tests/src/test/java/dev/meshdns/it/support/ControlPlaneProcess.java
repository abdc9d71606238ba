package dev.meshdns.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The reference control plane ({@code mesh-dns control-plane --catalog-file F --listen
 * 127.0.0.1:PORT [--vip-watch HOST:PORT] [flags]}) as a separate JVM, with its output in a log
 * file under {@code target/it-logs}. A restarted one can take the port of the one before, so that
 * mesh-dns reconnects to it. One test thread drives it.
 */
public final class ControlPlaneProcess implements AutoCloseable {
    private static final AtomicInteger STARTED = new AtomicInteger();

    private final JvmProcess process;
    private final int port;

    private ControlPlaneProcess(Process process, int port, Path logFile) {
        this.process = new JvmProcess(process, logFile, "control plane");
        this.port = port;
    }

    /** Starts on a free loopback port and waits until it accepts connections. */
    public static ControlPlaneProcess startAndWait(Path catalogFile) {
        return startAndWait(catalogFile, Ports.freeTcpPort(), null);
    }

    /**
     * Starts on this port (the one of a stopped control plane, for a restart), watching the VIPs of
     * the mesh-dns at {@code vipWatch} unless it is null, and waits until it accepts connections.
     */
    public static ControlPlaneProcess startAndWait(Path catalogFile, int port, String vipWatch) {
        return startAndWait(catalogFile, port, vipWatch, List.of());
    }

    /**
     * Starts on a free loopback port with these further flags (e.g. {@code --tls-cert F --tls-key K})
     * and waits until it accepts TCP connections (which says nothing about TLS handshakes).
     */
    public static ControlPlaneProcess startAndWait(Path catalogFile, List<String> flags) {
        return startAndWait(catalogFile, Ports.freeTcpPort(), null, flags);
    }

    private static ControlPlaneProcess startAndWait(Path catalogFile, int port, String vipWatch, List<String> flags) {
        ControlPlaneProcess controlPlane = start(catalogFile, port, vipWatch, flags);
        try {
            return controlPlane.awaitListening();
        } catch (RuntimeException | Error e) {
            controlPlane.kill();
            throw e;
        }
    }

    /** As {@link #startAndWait(Path, int, String)}, without waiting (it listens once its catalog is loaded). */
    public static ControlPlaneProcess start(Path catalogFile, int port, String vipWatch) {
        return start(catalogFile, port, vipWatch, List.of());
    }

    /**
     * Starts on this port with {@code commandPrefix} in front of {@code java} (e.g. {@code ip netns
     * exec NAME}), without waiting: in another network namespace its port is not the test's to probe.
     */
    public static ControlPlaneProcess startWithPrefix(List<String> commandPrefix, Path catalogFile, int port) {
        return start(commandPrefix, catalogFile, port, null, List.of());
    }

    private static ControlPlaneProcess start(Path catalogFile, int port, String vipWatch, List<String> flags) {
        return start(List.of(), catalogFile, port, vipWatch, flags);
    }

    private static ControlPlaneProcess start(List<String> commandPrefix, Path catalogFile, int port, String vipWatch,
            List<String> flags) {
        List<String> command = new ArrayList<>(commandPrefix);
        command.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp", System.getProperty("java.class.path"),
                "dev.meshdns.cli.Main", "control-plane",
                "--catalog-file", catalogFile.toString(),
                "--listen", "127.0.0.1:" + port));
        if (vipWatch != null) {
            command.addAll(List.of("--vip-watch", vipWatch));
        }
        command.addAll(flags);
        try {
            Path logs = Path.of("target", "it-logs").toAbsolutePath();
            Files.createDirectories(logs);
            Path logFile = logs.resolve("control-plane-" + ProcessHandle.current().pid() + "-"
                    + STARTED.incrementAndGet() + ".log");
            Files.writeString(logFile, String.join(" ", command.subList(commandPrefix.size() + 4, command.size())) + "\n",
                    StandardCharsets.UTF_8);
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            return new ControlPlaneProcess(process, port, logFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** Waits until it accepts connections; fails with its log if it exits or does not within 30 s. */
    public ControlPlaneProcess awaitListening() {
        long end = System.nanoTime() + ServerProcess.START_DEADLINE.toNanos();
        while (System.nanoTime() - end < 0) {
            if (!process.isAlive()) {
                throw new AssertionError("control plane exited with " + process.exitValue() + "; log:\n" + log());
            }
            if (acceptsConnections()) {
                return this;
            }
            Poll.pause(50);
        }
        throw new AssertionError("control plane not listening within " + ServerProcess.START_DEADLINE
                + "; log:\n" + log());
    }

    /** Whether a TCP connection to its port succeeds now. */
    public boolean acceptsConnections() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException notListening) {
            return false;
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:PORT}, the value of mesh-dns's {@code --control-plane}. */
    public String target() {
        return "127.0.0.1:" + port;
    }

    /** SIGKILL: the JVM gets no chance to flush or clean up. */
    public void kill() {
        process.kill();
    }

    /** SIGTERM and wait for the JVM to exit. */
    public void stop() {
        process.stop();
    }


    /** Polls the log until it contains {@code text}; returns the log then (or fails with it). */
    public String awaitLog(String text, Duration deadline) {
        String log = Poll.until(deadline, this::log, seen -> seen.contains(text));
        if (!log.contains(text)) {
            throw new AssertionError("control-plane log has no \"" + text + "\" after " + deadline + ":\n" + log);
        }
        return log;
    }

    public String log() {
        return process.log();
    }

    @Override
    public void close() {
        process.close();
    }
}
