package dev.meshdns.it.support;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs mounted on a fresh directory, so a test can fill the disk a server writes to and
 * free it again: writes there fail with a real ENOSPC ("No space left on device"). Needs root
 * (CAP_SYS_ADMIN) for {@code mount}; {@link #close} unmounts (a process still using it must have
 * exited). Not thread-safe.
 */
public final class SmallDisk implements AutoCloseable {
    private static final long COMMAND_SECONDS = 10;
    private static final String FILLER = "filler";

    private final Path root;

    private SmallDisk(Path root) {
        this.root = root;
    }

    /** Mounts a tmpfs of {@code sizeKib} KiB on {@code mountPoint} (created); fails with a clear message if it cannot. */
    public static SmallDisk mount(Path mountPoint, int sizeKib) {
        try {
            Files.createDirectories(mountPoint);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String output = run(List.of("mount", "-t", "tmpfs", "-o", "size=" + sizeKib + "k", "tmpfs",
                mountPoint.toString()));
        if (output != null) {
            throw new AssertionError("cannot mount a " + sizeKib + " KiB tmpfs on " + mountPoint
                    + " (needs root, i.e. CAP_SYS_ADMIN): " + output);
        }
        return new SmallDisk(mountPoint);
    }

    public Path root() {
        return root;
    }

    /** Writes a filler file until the disk is full (the write fails with ENOSPC). */
    public void fill() {
        byte[] chunk = new byte[4096];
        try (OutputStream out = Files.newOutputStream(root.resolve(FILLER))) {
            while (true) {
                out.write(chunk);
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left on device")) {
                throw new UncheckedIOException("filling " + root + " failed otherwise than with ENOSPC", e);
            }
        }
    }

    /** Deletes the filler file: the space is free again. */
    public void free() {
        try {
            Files.deleteIfExists(root.resolve(FILLER));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Unmounts; lazily if something still holds it open, so no mount outlives the test. */
    @Override
    public void close() {
        if (run(List.of("umount", root.toString())) != null) {
            String lazy = run(List.of("umount", "-l", root.toString()));
            if (lazy != null) {
                throw new AssertionError("cannot unmount " + root + ": " + lazy);
            }
        }
    }

    /** Runs a command; null when it exited 0, else its exit code and output. */
    private static String run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!process.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return String.join(" ", command) + " did not finish within " + COMMAND_SECONDS + " s";
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return process.exitValue() == 0 ? null
                    : String.join(" ", command) + " exited " + process.exitValue() + ": " + output;
        } catch (IOException e) {
            return String.join(" ", command) + " could not run: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }
}
