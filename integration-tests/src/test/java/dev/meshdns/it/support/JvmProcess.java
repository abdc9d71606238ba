package dev.meshdns.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A JVM the tests started, whose output goes to a log file: SIGKILL, SIGTERM with a deadline,
 * and the log. Shared by {@link ServerProcess} and {@link ControlPlaneProcess}. Not thread-safe.
 */
final class JvmProcess {
    private static final long EXIT_SECONDS = 10;

    private final Process process;
    private final Path logFile;
    private final String name;

    JvmProcess(Process process, Path logFile, String name) {
        this.process = process;
        this.logFile = logFile;
        this.name = name;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    int exitValue() {
        return process.exitValue();
    }

    long pid() {
        return process.pid();
    }

    Path logFile() {
        return logFile;
    }

    /** SIGKILL: the JVM gets no chance to flush, close streams or clean up. */
    void kill() {
        process.destroyForcibly();
        awaitExit();
    }

    /** SIGTERM and wait for the JVM to exit; fails (after a SIGKILL) if it ignores SIGTERM. */
    void stop() {
        process.destroy();
        if (!awaitExit()) {
            process.destroyForcibly();
            awaitExit();
            throw new AssertionError(name + " ignored SIGTERM for " + EXIT_SECONDS + " s; log:\n" + log());
        }
    }

    /** SIGTERM without waiting. */
    void terminate() {
        process.destroy();
    }

    /** The exit code once the JVM exited within {@code deadline}; fails (after a SIGKILL) if it did not. */
    int awaitExit(java.time.Duration deadline) {
        try {
            if (process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                return process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
        awaitExit();
        throw new AssertionError(name + " did not exit within " + deadline + "; log:\n" + log());
    }

    /** Kills the JVM if it still runs. */
    void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    String log() {
        try {
            return Files.readString(logFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    private boolean awaitExit() {
        try {
            return process.waitFor(EXIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
