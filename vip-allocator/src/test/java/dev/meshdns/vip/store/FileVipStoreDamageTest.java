package dev.meshdns.vip.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshdns.vip.VipStore.Allocation;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files of a data dir deleted, truncated or replaced by older copies after the fact: every loss the
 * files can show refuses the open with a message naming the file and what is missing, and is
 * restored as far as it goes (with a WARN) only when the caller accepts the loss.
 */
class FileVipStoreDamageTest {

    private static final Duration QUARANTINE = Duration.ofHours(1);
    private static final Instant T0 = Instant.parse("2026-11-26T16:00:00Z");

    @TempDir
    Path tempDir;
    private FileVipStore store;

    @AfterEach
    void close() throws IOException {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void deletedSnapshotIsRefusedNamingItAndWhereTheJournalContinues() throws IOException {
        fiveClaimsWithASnapshotAfterTheFourth();
        Files.delete(file(FileVipStore.SNAPSHOT));

        assertThatThrownBy(this::open)
                .isInstanceOf(StoreLossException.class)
                .hasMessageContaining(file(FileVipStore.SNAPSHOT).toString())
                .hasMessageContaining("is missing")
                .hasMessageContaining("continues from revision 4");
    }

    @Test
    void deletedSnapshotAcceptedRestoresTheJournalAndOpensCleanlyAfterwards() throws IOException {
        fiveClaimsWithASnapshotAfterTheFourth();
        Files.delete(file(FileVipStore.SNAPSHOT));

        store = FileVipStore.open(dataDir(), 3, true);
        long revision = store.load().revision();

        assertThat(store.load().rows()).containsExactly(held("svc-5", "240.0.0.5"));
        assertThat(revision).as("revisions keep growing past the lost ones").isGreaterThan(5);
        assertThat(store.claim(List.of(held("svc-1", "240.0.0.9")), QUARANTINE, T0)).hasSize(1);
        store.close();
        store = open();
        assertThat(store.load().rows()).hasSize(2);
    }

    @Test
    void deletedJournalBesideASnapshotIsRefused() throws IOException {
        fiveClaimsWithASnapshotAfterTheFourth();
        Files.delete(file(FileVipStore.JOURNAL));

        assertThatThrownBy(this::open)
                .isInstanceOf(StoreLossException.class)
                .hasMessageContaining(file(FileVipStore.JOURNAL) + " is missing");
    }

    @Test
    void deletedJournalWithoutASnapshotIsRefused() throws IOException {
        claims("a", "b");
        Files.delete(file(FileVipStore.JOURNAL));

        assertThatThrownBy(this::open)
                .isInstanceOf(StoreLossException.class)
                .hasMessageContaining(file(FileVipStore.JOURNAL) + " is missing: revisions 1 to 2 are lost");
    }

    @Test
    void journalTruncatedToItsHeaderIsRefused() throws IOException {
        long headerOnly = emptyJournalSize();
        claims("a", "b", "c");
        truncate(file(FileVipStore.JOURNAL), headerOnly);

        assertThatThrownBy(this::open)
                .isInstanceOf(StoreLossException.class)
                .hasMessageContaining(file(FileVipStore.JOURNAL).toString())
                .hasMessageContaining("revisions 1 to 3 are missing");
    }

    @Test
    void journalTruncatedAtARecordBoundaryIsRefused() throws IOException {
        store = open();
        store.claim(List.of(held("a", "240.0.0.1")), QUARANTINE, T0);
        long afterFirst = Files.size(file(FileVipStore.JOURNAL));
        store.claim(List.of(held("b", "240.0.0.2")), QUARANTINE, T0);
        store.close();
        store = null;
        truncate(file(FileVipStore.JOURNAL), afterFirst);

        assertThatThrownBy(this::open)
                .isInstanceOf(StoreLossException.class)
                .hasMessageContaining("ends at revision 1")
                .hasMessageContaining("revision 2 is missing");
    }

    @Test
    void acknowledgedLastRecordCutInHalfIsRefusedNotCutAsATornWrite() throws IOException {
        claims("a", "b");
        Path journal = file(FileVipStore.JOURNAL);
        truncate(journal, Files.size(journal) - 5);

        assertThatThrownBy(this::open)
                .isInstanceOf(StoreLossException.class)
                .hasMessageContaining("revision 2 is missing")
                .hasMessageContaining("bytes at offset");
    }

    @Test
    void olderCopyOfTheJournalIsRefused() throws IOException {
        claims("a");
        byte[] older = Files.readAllBytes(file(FileVipStore.JOURNAL));
        claims("b", "c");
        Files.write(file(FileVipStore.JOURNAL), older);

        assertThatThrownBy(this::open)
                .isInstanceOf(StoreLossException.class)
                .hasMessageContaining("ends at revision 1");
    }

    @Test
    void olderCopyOfTheSnapshotIsRefused() throws IOException {
        store = FileVipStore.open(dataDir(), 2);
        for (int i = 1; i <= 3; i++) {
            store.claim(List.of(held("svc-" + i, "240.0.0." + i)), QUARANTINE, T0);
        }
        byte[] older = Files.readAllBytes(file(FileVipStore.SNAPSHOT)); // revision 3
        for (int i = 4; i <= 7; i++) { // more rows than that snapshot holds: snapshotted again
            store.claim(List.of(held("svc-" + i, "240.0.0." + i)), QUARANTINE, T0);
        }
        store.close();
        store = null;
        Files.write(file(FileVipStore.SNAPSHOT), older);

        assertThatThrownBy(this::open)
                .isInstanceOf(StoreLossException.class)
                .hasMessageContaining(file(FileVipStore.SNAPSHOT).toString())
                .hasMessageContaining("revision 3")
                .hasMessageContaining("continues from revision 7");
    }

    @Test
    void journalOfTheCurrentFormatWithAGapBetweenRecordsIsRefused() throws IOException {
        store = open();
        store.claim(List.of(held("a", "240.0.0.1")), QUARANTINE, T0);
        long afterFirst = Files.size(file(FileVipStore.JOURNAL));
        store.claim(List.of(held("b", "240.0.0.2")), QUARANTINE, T0);
        long afterSecond = Files.size(file(FileVipStore.JOURNAL));
        store.claim(List.of(held("c", "240.0.0.3")), QUARANTINE, T0);
        store.close();
        store = null;
        byte[] bytes = Files.readAllBytes(file(FileVipStore.JOURNAL));
        byte[] cut = new byte[bytes.length - (int) (afterSecond - afterFirst)];
        System.arraycopy(bytes, 0, cut, 0, (int) afterFirst);
        System.arraycopy(bytes, (int) afterSecond, cut, (int) afterFirst, bytes.length - (int) afterSecond);
        Files.write(file(FileVipStore.JOURNAL), cut);

        assertThatThrownBy(this::open)
                .isInstanceOf(StoreLossException.class)
                .hasMessageContaining("is revision 3, expected 2");
    }

    @Test
    void dataDirOfFormatVersion2IsReadAndRewritten() throws IOException {
        Files.createDirectories(dataDir());
        write(file(FileVipStore.SNAPSHOT), 2, frame(Frames.SNAPSHOT, 7, held("a", "240.0.0.1")));
        write(file(FileVipStore.JOURNAL), 2, frame(Frames.CLAIM, 8, held("b", "240.0.0.2")),
                frame(Frames.RELEASE, 9, released("a", "240.0.0.1", T0)));

        store = open();

        assertThat(store.load().rows()).containsExactlyInAnyOrder(released("a", "240.0.0.1", T0),
                held("b", "240.0.0.2"));
        assertThat(store.load().revision()).isEqualTo(9);
        assertThat(FrameFile.read(file(FileVipStore.JOURNAL), FileVipStore.JOURNAL_MAGIC).version())
                .isEqualTo(Frames.VERSION);
        store.close();
        store = open();
        assertThat(store.load().rows()).hasSize(2);
    }

    @Test
    void journalOfFormatVersion2ThatBeginsPastRevision1WithoutASnapshotIsRefused() throws IOException {
        Files.createDirectories(dataDir());
        write(file(FileVipStore.JOURNAL), 2, frame(Frames.CLAIM, 116, held("b", "240.0.0.2")));

        assertThatThrownBy(this::open)
                .isInstanceOf(StoreLossException.class)
                .hasMessageContaining(file(FileVipStore.SNAPSHOT) + " is missing")
                .hasMessageContaining("continues from revision 115");
    }

    @Test
    void deletedHighWaterRecordIsRefused() throws IOException {
        claims("a");
        Files.delete(file(FileVipStore.HIGH_WATER));

        assertThatThrownBy(this::open)
                .isInstanceOf(StoreLossException.class)
                .hasMessageContaining(file(FileVipStore.HIGH_WATER) + " is missing");
    }

    @Test
    void damagedHighWaterRecordIsRefusedAsDamagedNotMissing() throws IOException {
        claims("a");
        Files.write(file(FileVipStore.HIGH_WATER), new byte[] {1, 2, 3});

        assertThatThrownBy(this::open)
                .isInstanceOf(StoreLossException.class)
                .hasMessageContaining(file(FileVipStore.HIGH_WATER) + " is damaged")
                .hasMessageNotContaining("is missing");
    }

    @Test
    void acceptedLossIsLoggedAndLeavesAConsistentDataDir() throws IOException {
        long headerOnly = emptyJournalSize();
        claims("a", "b", "c");
        truncate(file(FileVipStore.JOURNAL), headerOnly);

        store = FileVipStore.open(dataDir(), FileVipStore.DEFAULT_SNAPSHOT_AFTER_RECORDS, true);
        assertThat(store.load().rows()).isEmpty();
        store.close();

        store = open();
        assertThat(store.load().revision()).isGreaterThan(3);
    }

    @Test
    void tornTailAfterTheLastCompletedWriteIsCutSayingItWasNeverAnswered() throws IOException {
        claims("a");
        byte[] frame = bytes(frame(Frames.CLAIM, 2, held("b", "240.0.0.2")));
        Files.write(file(FileVipStore.JOURNAL), java.util.Arrays.copyOf(frame, frame.length / 2),
                StandardOpenOption.APPEND);

        List<String> warnings = warningsOf(() -> store = open());

        assertThat(store.load().rows()).containsExactly(held("a", "240.0.0.1"));
        assertThat(warnings).singleElement().asString()
                .contains("cutting " + frame.length / 2 + " bytes at offset")
                .contains("an incomplete record after revision 1, the last write that completed (vips.highwater)")
                .contains("never answered");
    }

    @Test
    void tornTailOfAnEarlierVersionsJournalIsCutSayingWhatCannotBeKnown() throws IOException {
        Files.createDirectories(dataDir());
        write(file(FileVipStore.JOURNAL), 2, frame(Frames.CLAIM, 1, held("a", "240.0.0.1")),
                ByteBuffer.wrap(new byte[] {0, 0, 0, 42, 1, 2}));

        List<String> warnings = warningsOf(() -> store = open());

        assertThat(store.load().rows()).containsExactly(held("a", "240.0.0.1"));
        assertThat(warnings).singleElement().asString()
                .contains("a write cut short by a crash (never answered) or damage to the file")
                .contains("no high-water record to tell");
    }

    private interface Action {
        void run() throws IOException;
    }

    /** The WARN messages FileVipStore logs while {@code action} runs. */
    private static List<String> warningsOf(Action action) throws IOException {
        ch.qos.logback.classic.Logger logger =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(FileVipStore.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
                new ch.qos.logback.core.read.ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            action.run();
        } finally {
            logger.detachAppender(appender);
        }
        return appender.list.stream()
                .filter(event -> event.getLevel() == ch.qos.logback.classic.Level.WARN)
                .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .toList();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private void fiveClaimsWithASnapshotAfterTheFourth() throws IOException {
        store = FileVipStore.open(dataDir(), 3);
        for (int i = 1; i <= 5; i++) {
            store.claim(List.of(held("svc-" + i, "240.0.0." + i)), QUARANTINE, T0);
        }
        store.close();
        store = null;
        assertThat(file(FileVipStore.SNAPSHOT)).isRegularFile();
    }

    /** One claim call per service, each a revision; then the store is closed. */
    private void claims(String... services) throws IOException {
        store = open();
        int last = store.load().rows().size();
        for (String service : services) {
            store.claim(List.of(held(service, "240.0.0." + ++last)), QUARANTINE, T0);
        }
        store.close();
        store = null;
    }

    private long emptyJournalSize() throws IOException {
        store = open();
        store.close();
        store = null;
        return Files.size(file(FileVipStore.JOURNAL));
    }

    private FileVipStore open() throws IOException {
        return FileVipStore.open(dataDir());
    }

    private Path dataDir() {
        return tempDir.resolve("data");
    }

    private Path file(String name) throws IOException {
        return dataDir().toRealPath().resolve(name);
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }

    /** A file of format version 2 (8-byte header, frames as today), as today's main writes it. */
    private static void write(Path file, int version, ByteBuffer... frames) throws IOException {
        String magic = file.getFileName().toString().equals(FileVipStore.SNAPSHOT)
                ? FileVipStore.SNAPSHOT_MAGIC : FileVipStore.JOURNAL_MAGIC;
        List<ByteBuffer> parts = new ArrayList<>();
        parts.add(ByteBuffer.allocate(8).put(magic.getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .putInt(version).flip());
        parts.addAll(List.of(frames));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (ByteBuffer part : parts) {
                channel.write(part);
            }
        }
    }

    private static ByteBuffer frame(byte type, long revision, Allocation... rows) {
        return Frames.encode(type, revision, List.of(rows));
    }

    private static Allocation held(String service, String address) {
        return Allocation.held("mesh", service, ip(address));
    }

    private static Allocation released(String service, String address, Instant at) {
        return new Allocation("mesh", service, ip(address), at);
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
