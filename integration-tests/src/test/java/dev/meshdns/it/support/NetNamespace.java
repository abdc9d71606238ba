package dev.meshdns.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private network namespace (iproute2's {@code ip netns}) with only {@code lo}, up, as a pod's
 * would be, and its own resolv.conf: {@code /etc/netns/NAME/resolv.conf}, which {@code ip netns
 * exec} bind-mounts over {@code /etc/resolv.conf} for what it runs. Processes started with
 * {@link #prefix()} in front of their command run inside it (their loopback is not the test's, so
 * the test reaches them only through commands run with {@link #exec}). Needs root (CAP_SYS_ADMIN)
 * and the Debian package {@code iproute2} ({@code .ci/run} installs it). Not thread-safe.
 */
public final class NetNamespace implements AutoCloseable {
    private static final Duration COMMAND_DEADLINE = Duration.ofSeconds(10);

    private final String name;
    private final Path etcDir;

    private NetNamespace(String name) {
        this.name = name;
        this.etcDir = Path.of("/etc/netns", name);
    }

    /** The output and exit code of a command that ran inside the namespace. */
    public record Result(int exitCode, String output) {
    }

    /**
     * Creates namespace {@code name} with {@code lo} up and this resolv.conf text; fails with a
     * clear message if it cannot (not root, no CAP_SYS_ADMIN, no iproute2). Whatever was created is
     * removed again if a later step fails.
     */
    public static NetNamespace create(String name, String resolvConf) {
        NetNamespace namespace = new NetNamespace(name);
        Result added = run(List.of("ip", "netns", "add", name));
        if (added.exitCode() != 0) {
            throw new AssertionError("cannot create the network namespace " + name + " (needs root, i.e."
                    + " CAP_SYS_ADMIN, and iproute2: apt-get install -y iproute2); `ip netns add " + name
                    + "` exited " + added.exitCode() + ": " + added.output().strip());
        }
        try {
            Result lo = run(List.of("ip", "-n", name, "link", "set", "lo", "up"));
            if (lo.exitCode() != 0) {
                throw new AssertionError("cannot bring up lo in " + name + ": " + lo.output().strip());
            }
            Files.createDirectories(namespace.etcDir);
            Files.writeString(namespace.etcDir.resolve("resolv.conf"), resolvConf, StandardCharsets.UTF_8);
            return namespace;
        } catch (IOException e) {
            namespace.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            namespace.close();
            throw e;
        }
    }

    /** {@code ip netns exec NAME}: put it in front of a command to run that command inside. */
    public List<String> prefix() {
        return List.of("ip", "netns", "exec", name);
    }

    /** Runs {@code command} inside the namespace and waits for it (at most 10 s; then it is killed). */
    public Result exec(String... command) {
        List<String> full = new ArrayList<>(prefix());
        full.addAll(List.of(command));
        return run(full);
    }

    public String name() {
        return name;
    }

    /**
     * Deletes the namespace and {@code /etc/netns/NAME}; what is left running inside keeps it
     * alive until it exits (close those first). Never throws: it runs in an {@code @AfterAll}.
     */
    @Override
    public void close() {
        run(List.of("ip", "netns", "del", name));
        try (Stream<Path> files = Files.exists(etcDir) ? Files.walk(etcDir) : Stream.empty()) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException | UncheckedIOException e) {
            System.err.println("cannot remove " + etcDir + ": " + e);
        }
    }

    private static Result run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            // Output is small (getent, ip); read it after exit, within the deadline.
            if (!process.waitFor(COMMAND_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(COMMAND_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
                return new Result(-1, "timed out after " + COMMAND_DEADLINE + ": " + String.join(" ", command));
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            return new Result(-1, "cannot run " + String.join(" ", command) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted: " + String.join(" ", command));
        }
    }
}
