package dev.meshdns.vip.store;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs mounted on a fresh directory, so a test can fill the disk a store writes to and
 * free it again: writes there fail with a real ENOSPC, a write across the last free byte is cut
 * short. Mounting needs root (CAP_SYS_ADMIN): without it the test fails under {@code CI=true}
 * and is skipped elsewhere, saying so. {@link #close} unmounts. Not thread-safe.
 */
final class SmallDisk implements AutoCloseable {
    private static final long COMMAND_SECONDS = 10;
    private static final String FILLER = "filler";

    private final Path root;

    private SmallDisk(Path root) {
        this.root = root;
    }

    /** Mounts a tmpfs of {@code sizeKib} KiB on {@code mountPoint} (created). */
    static SmallDisk mount(Path mountPoint, int sizeKib) throws IOException {
        Files.createDirectories(mountPoint);
        String failed = run(List.of("mount", "-t", "tmpfs", "-o", "size=" + sizeKib + "k", "tmpfs",
                mountPoint.toString()));
        if (failed != null) {
            String how = "cannot mount a " + sizeKib + " KiB tmpfs for a full-disk test (needs root, i.e."
                    + " CAP_SYS_ADMIN): " + failed;
            if ("true".equals(System.getenv("CI"))) {
                fail(how + "; CI must run the full-disk tests");
            }
            assumeTrue(false, how + "; skipping the full-disk tests outside CI");
        }
        return new SmallDisk(mountPoint);
    }

    Path root() {
        return root;
    }

    /** Writes a filler file until the disk is full (the write fails with ENOSPC). */
    void fill() throws IOException {
        byte[] chunk = new byte[4096];
        try (OutputStream out = Files.newOutputStream(root.resolve(FILLER))) {
            while (true) {
                out.write(chunk);
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left on device")) {
                throw e;
            }
        }
    }

    /** Deletes the filler file: the space is free again. */
    void free() throws IOException {
        Files.deleteIfExists(root.resolve(FILLER));
    }

    /** Unmounts; lazily if a file there is still open, so no mount outlives the test. */
    @Override
    public void close() {
        if (run(List.of("umount", root.toString())) != null) {
            String lazy = run(List.of("umount", "-l", root.toString()));
            if (lazy != null) {
                throw new UncheckedIOException(new IOException("cannot unmount " + root + ": " + lazy));
            }
        }
    }

    /** Runs a command; null when it exited 0, else what went wrong. */
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
