package dev.meshdns.vip.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshdns.vip.VipAllocator;
import java.time.Clock;
import java.time.Duration;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a real JVM that is claiming and releasing VIPs ({@link AllocatingChild}) with SIGKILL at a
 * random moment, 20 times over one data dir, and checks after each kill that every claim the child
 * acknowledged is restored unchanged and every release it acknowledged stays released; a release
 * announced but not acknowledged may have happened or not. A small snapshot threshold puts kills
 * inside compaction too.
 */
class FileVipStoreCrashTest {

    /** Kills per run; e.g. {@code -Dmeshdns.crash.iterations=100} to hunt a rare failure locally. */
    private static final int ITERATIONS = Integer.getInteger("meshdns.crash.iterations", 20);
    private static final int SNAPSHOT_AFTER_RECORDS = 25;
    private static final long LINE_TIMEOUT_SECONDS = 30;
    private static final Pattern ACK = Pattern.compile("ack (\\S+) (\\S+) ;");
    private static final Pattern DROP = Pattern.compile("drop (\\S+) ;");
    private static final Pattern RELEASED = Pattern.compile("released (\\S+) ;");
    private static final String EOF = "\u0000eof";
    private static final String READ_FAILED = "\u0000read failed: ";

    @TempDir
    Path tempDir;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void everyAcknowledgedClaimAndReleaseSurvivesSigkillAtAnyMoment() throws Exception {
        // -Dmeshdns.crash.seed=<seed of a failure> replays its kill points (the child's timing still varies)
        long seed = Long.getLong("meshdns.crash.seed", System.nanoTime());
        Random random = new Random(seed);
        Path dataDir = tempDir.resolve("data");
        Acknowledged acknowledged = new Acknowledged();
        for (int iteration = 0; iteration < ITERATIONS; iteration++) {
            String context = "seed " + seed + ", iteration " + iteration;
            Path stderr = tempDir.resolve("child-" + iteration + ".err");
            Process child = start(dataDir, iteration * 1_000_000, stderr);
            try {
                BlockingQueue<String> lines = readLines(child);
                assertThat(next(lines)).as(context + ", child stderr: %s", stderrOf(stderr)).isEqualTo("ready ;");
                if (iteration == 0) {
                    assertThatThrownBy(() -> FileVipStore.open(dataDir)).as(context)
                            .hasMessageContaining("is in use by another FileVipStore");
                }
                for (int wanted = random.nextInt(0, 80); wanted > 0; ) {
                    wanted -= acknowledged.record(next(lines));
                }
                sigkill(child);
                assertThat(child.waitFor(LINE_TIMEOUT_SECONDS, TimeUnit.SECONDS)).as(context).isTrue();
                for (String line = next(lines); !line.equals(EOF); line = next(lines)) {
                    acknowledged.record(line); // printed before the kill, so acknowledged too
                }
            } finally {
                sigkill(child); // a failed iteration must not leave the child allocating forever
            }

            try (FileVipStore store = FileVipStore.open(dataDir)) {
                VipAllocator allocator = VipAllocator.open(store, AllocatingChild.POOL, AllocatingChild.ZONE, Duration.ofHours(1), Clock.systemUTC());
                acknowledged.check(allocator.allocations(), context);
            }
        }
        assertThat(acknowledged.held).hasSizeGreaterThan(ITERATIONS);
        assertThat(acknowledged.released).hasSizeGreaterThan(ITERATIONS);
    }

    /** What the children acknowledged over all iterations. */
    private static final class Acknowledged {
        final Map<String, InetAddress> held = new HashMap<>();
        final Set<String> released = new HashSet<>();
        /** Announced before the sync that was killed: released or not, either is right. */
        final Set<String> dropping = new HashSet<>();

        /** Records a whole line and returns 1 for an ack, 0 for anything else (a line cut by the kill). */
        int record(String line) throws IOException {
            assertThat(line).as("reading the child's stdout").doesNotStartWith(READ_FAILED);
            Matcher ack = ACK.matcher(line);
            Matcher drop = DROP.matcher(line);
            Matcher releasedLine = RELEASED.matcher(line);
            if (ack.matches()) {
                InetAddress previous = held.put(ack.group(1), InetAddress.getByName(ack.group(2)));
                assertThat(previous).as("service %s acknowledged twice", ack.group(1)).isNull();
                return 1;
            } else if (drop.matches()) {
                dropping.add(drop.group(1));
            } else if (releasedLine.matches()) {
                dropping.remove(releasedLine.group(1));
                held.remove(releasedLine.group(1));
                released.add(releasedLine.group(1));
            } else {
                assertThat(line).as("the only line that may not be whole is the one cut by the kill")
                        .doesNotContain(";");
            }
            return 0;
        }

        void check(Map<String, InetAddress> restored, String context) {
            for (Map.Entry<String, InetAddress> vip : held.entrySet()) {
                if (dropping.contains(vip.getKey()) && !restored.containsKey(vip.getKey())) {
                    continue; // released durably, killed before acknowledging
                }
                assertThat(restored).as(context).containsEntry(vip.getKey(), vip.getValue());
            }
            assertThat(restored).as(context).doesNotContainKeys(released.toArray(String[]::new));
            for (String service : dropping) {
                if (!restored.containsKey(service)) {
                    held.remove(service);
                    released.add(service);
                }
            }
            dropping.clear(); // the next child starts from what was restored
        }
    }

    private static Process start(Path dataDir, int firstService, Path stderr) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), AllocatingChild.class.getName(),
                dataDir.toString(), String.valueOf(SNAPSHOT_AFTER_RECORDS), String.valueOf(firstService))
                .redirectError(stderr.toFile())
                .start();
    }

    /**
     * SIGKILL only. Not {@link Process#destroyForcibly()}: on Linux that also closes this JVM's end
     * of the child's stdout pipe, throwing away whatever the child printed before the kill that
     * {@link #readLines} had not read yet. A lost {@code drop} or {@code released} line made a
     * service the child durably released look like an acknowledged VIP the store had lost.
     */
    private static void sigkill(Process child) {
        child.toHandle().destroyForcibly();
    }

    /**
     * Lines of the child's stdout up to its end (the child died and the pipe is drained), then
     * {@link #EOF}; a line cut by the kill comes without its ";". A failed read is reported as a
     * {@link #READ_FAILED} line, which fails the test: lost lines would make the bookkeeping wrong.
     */
    private static BlockingQueue<String> readLines(Process child) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add(READ_FAILED + e);
            } finally {
                lines.add(EOF);
            }
        }, "crash-test-child-stdout");
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    private static String next(BlockingQueue<String> lines) throws InterruptedException {
        String line = lines.poll(LINE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(line).as("a line from the child within %d s", LINE_TIMEOUT_SECONDS).isNotNull();
        return line;
    }

    private static String stderrOf(Path stderr) {
        try {
            return Files.readString(stderr);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
