package dev.meshdns.vip.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.meshdns.vip.VipStore.Allocation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * {@link FileVipStore#open} on damaged data dirs. {@link #anyJournal}: a journal of arbitrary bytes
 * (the input's last byte: bit 0 gives every frame the checksum it needs, so the payloads are what
 * is fuzzed; bit 1 makes it the snapshot instead) opens or fails with an IOException, nothing else.
 * {@link #damagedHistory}: a real history of claims and releases, then one byte of the journal or
 * snapshot changed or the journal cut short: the store opens to a state it really had (the whole
 * history or a prefix of it, never a row no call wrote) or fails with an IOException; a damaged
 * snapshot always fails. Seeds: {@code FileVipStoreFuzzTestInputs/<method>/}.
 */
class FileVipStoreFuzzTest {
    /** tmpfs where there is one: the history target fsyncs on every write. */
    private static final Path ROOT = Files.isDirectory(Paths.get("/dev/shm")) ? Paths.get("/dev/shm")
            : Paths.get(System.getProperty("java.io.tmpdir"));
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** Each input gets its own data dir: when fuzzing, JUnit's before/after methods run once per target, not per input. */
    private interface InDataDir {
        void run(Path dataDir) throws IOException;
    }

    private static void inFreshDataDir(InDataDir body) throws IOException {
        Path dir = Files.createTempDirectory(ROOT, "meshdns-store-fuzz");
        try {
            body.run(dir.resolve("data"));
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @FuzzTest(maxDuration = "10m")
    void anyJournal(FuzzedDataProvider data) throws IOException {
        inFreshDataDir(dataDir -> anyJournal(data, dataDir));
    }

    @FuzzTest(maxDuration = "10m")
    void damagedHistory(FuzzedDataProvider data) throws IOException {
        inFreshDataDir(dataDir -> damagedHistory(data, dataDir));
    }

    private static void anyJournal(FuzzedDataProvider data, Path data1) throws IOException {
        int flags = data.consumeByte() & 0xff;
        byte[] bytes = data.consumeRemainingAsBytes();
        if ((flags & 1) != 0) {
            fixChecksums(bytes);
        }
        Files.createDirectories(data1);
        Files.write(data1.resolve((flags & 2) != 0 ? FileVipStore.SNAPSHOT : FileVipStore.JOURNAL), bytes);
        try (FileVipStore store = FileVipStore.open(data1)) {
            for (Allocation row : store.load().rows()) {
                assertThat(row.zone()).isNotBlank();
                assertThat(row.service()).isNotBlank();
            }
        } catch (IOException e) {
            assertThat(e.getMessage()).as("names the data dir").contains(data1.toRealPath().toString());
        }
    }

    private static void damagedHistory(FuzzedDataProvider data, Path data1) throws IOException {
        int snapshotAfter = data.consumeBoolean() ? 2 : 1000;
        List<Set<Allocation>> states = new ArrayList<>();
        try (FileVipStore store = FileVipStore.open(data1, snapshotAfter)) {
            states.add(state(store));
            int ops = data.consumeInt(1, 8);
            for (int i = 0; i < ops; i++) {
                String service = "s" + data.consumeInt(0, 3);
                Instant now = T0.plusSeconds(i);
                if (data.consumeBoolean()) {
                    store.claim(List.of(Allocation.held("mesh", service, v4(data.consumeInt(1, 4)))), Duration.ZERO, now);
                } else {
                    store.release(List.of(Allocation.held("mesh", service, v4(1))), now);
                }
                states.add(state(store));
            }
        }
        boolean snapshot = data.consumeBoolean() && Files.exists(data1.resolve(FileVipStore.SNAPSHOT));
        Path file = data1.resolve(snapshot ? FileVipStore.SNAPSHOT : FileVipStore.JOURNAL);
        byte[] bytes = Files.readAllBytes(file);
        if (!snapshot && data.consumeBoolean()) {
            bytes = java.util.Arrays.copyOf(bytes, data.consumeInt(0, bytes.length - 1));
        } else {
            bytes[data.consumeInt(0, bytes.length - 1)] ^= (byte) data.consumeInt(1, 255);
        }
        Files.write(file, bytes);

        try (FileVipStore store = FileVipStore.open(data1, snapshotAfter)) {
            assertThat(snapshot).as("a damaged snapshot is refused").isFalse();
            assertThat(states).as("a state the store really had").contains(state(store));
        } catch (IOException e) {
            assertThat(e.getMessage()).contains(FileVipStore.JOURNAL.equals(file.getFileName().toString())
                    ? FileVipStore.JOURNAL : FileVipStore.SNAPSHOT);
        }
    }

    private static Set<Allocation> state(FileVipStore store) {
        try {
            return new HashSet<>(store.load().rows());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InetAddress v4(int host) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) 240, 0, 0, (byte) host});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** Writes the CRC32C each whole frame after the 8-byte header needs (Frames' layout). */
    private static void fixChecksums(byte[] bytes) {
        ByteBuffer file = ByteBuffer.wrap(bytes);
        int position = Frames.HEADER_BYTES;
        while (position + Frames.FRAME_OVERHEAD_BYTES <= bytes.length) {
            int payload = file.getInt(position);
            if (payload < 0 || payload > bytes.length - position - Frames.FRAME_OVERHEAD_BYTES) {
                return;
            }
            CRC32C crc = new CRC32C();
            crc.update(bytes, position, 4);
            crc.update(bytes, position + Frames.FRAME_OVERHEAD_BYTES, payload);
            file.putInt(position + 4, (int) crc.getValue());
            position += Frames.FRAME_OVERHEAD_BYTES + payload;
        }
    }
}
