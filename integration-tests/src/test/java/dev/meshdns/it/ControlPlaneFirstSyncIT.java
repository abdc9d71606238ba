package dev.meshdns.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.it.support.Catalog;
import dev.meshdns.it.support.ControlPlaneProcess;
import dev.meshdns.it.support.Poll;
import dev.meshdns.it.support.Ports;
import dev.meshdns.it.support.ServerFlags;
import dev.meshdns.it.support.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first sync from a control plane that comes after mesh-dns's start: the heap keeps growing in
 * large steps (the start's widened {@code MinHeapFreeRatio}) until that first catalog is applied, then
 * the launcher's tight ratios are back. Real processes: the reference control plane and mesh-dns, the
 * JVM's flags read with {@code jcmd}.
 */
class ControlPlaneFirstSyncIT {
    static final Duration SYNC_DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    ControlPlaneProcess controlPlane;
    ServerProcess server;

    @AfterEach
    void stopAll() {
        if (server != null) {
            server.close();
        }
        if (controlPlane != null) {
            controlPlane.close();
        }
    }

    @Test
    void heapGrowsInLargeStepsUntilTheControlPlanesFirstCatalogIsApplied() {
        int controlPlanePort = Ports.freeTcpPort();
        server = ServerProcess.start(null, dir.resolve("data"), ServerFlags.defaults()
                .with("--control-plane", "127.0.0.1:" + controlPlanePort), StartHeapIT.LAUNCHER_HEAP).waitUntilAnswering();
        server.awaitLog("listening on udp/tcp", SYNC_DEADLINE);

        // Started, nothing synced yet (the control plane is not there): the start's ratios (StartHeap's 75/90) stay.
        assertThat(minHeapFreeRatio(server.pid())).as("MinHeapFreeRatio while the first catalog is still to come")
                .isEqualTo(75);

        Path catalog = dir.resolve("catalog.yaml");
        Catalog.example().writeTo(catalog);
        controlPlane = ControlPlaneProcess.startAndWait(catalog, controlPlanePort, null);
        server.awaitName("backend.mesh.");
        server.awaitLog("first control-plane sync done", SYNC_DEADLINE);

        assertThat(Poll.until(SYNC_DEADLINE, () -> minHeapFreeRatio(server.pid()), ratio -> ratio == 10))
                .as("MinHeapFreeRatio once the first sync is applied").isEqualTo(10);
        // And what the start grew is given back then, not at the start.
        assertThat(server.awaitLog("heap after the start", SYNC_DEADLINE).split("heap after the start", -1))
                .as("give-back lines").hasSize(2);
        assertThat(server.log().indexOf("heap after the start"))
                .isGreaterThan(server.log().indexOf("first control-plane sync done"));
    }

    /** {@code jcmd PID VM.flags}: the flag's current value (the server changes it at run time). */
    static int minHeapFreeRatio(long pid) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "VM.flags")
                    .redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            Matcher flag = Pattern.compile("-XX:MinHeapFreeRatio=(\\d+)").matcher(out);
            if (!flag.find()) {
                throw new AssertionError("no MinHeapFreeRatio in jcmd VM.flags: " + out);
            }
            return Integer.parseInt(flag.group(1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
