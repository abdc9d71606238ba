package dev.meshdns.vip.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshdns.vip.VipStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileVipStoreTest extends VipStoreContract {

    @TempDir
    Path tempDir;
    private int snapshotAfterRecords = FileVipStore.DEFAULT_SNAPSHOT_AFTER_RECORDS;

    @Override
    protected VipStore newStore() throws IOException {
        return FileVipStore.open(dataDir(), snapshotAfterRecords);
    }

    @Override
    protected VipStore reopen() throws IOException {
        return FileVipStore.open(dataDir(), snapshotAfterRecords);
    }

    private Path dataDir() {
        return tempDir.resolve("data");
    }

    private Path journal() {
        return dataDir().resolve(FileVipStore.JOURNAL);
    }

    @Test
    void createsTheDataDirWithAJournalAndALock() throws IOException {
        store();

        assertThat(dataDir().resolve(FileVipStore.JOURNAL)).isRegularFile();
        assertThat(dataDir().resolve(FileVipStore.LOCK)).isRegularFile();
    }

    @Test
    void halfWrittenLastRecordIsCutAwayAndWritesContinue() throws IOException {
        claim(held("a", "240.0.0.1"));
        claim(held("b", "240.0.0.2"));
        closeStore();
        long intactSize = Files.size(journal());
        byte[] frame = frameBytes(held("c", "240.0.0.3"));
        append(journal(), Arrays.copyOf(frame, frame.length / 2));

        assertThat(reopened().load().rows()).containsExactly(held("a", "240.0.0.1"), held("b", "240.0.0.2"));
        assertThat(journal()).hasSize(intactSize);
        claim(held("d", "240.0.0.4"));
        assertThat(reopened().load().rows()).containsExactly(
                held("a", "240.0.0.1"), held("b", "240.0.0.2"), held("d", "240.0.0.4"));
    }

    @Test
    void zeroFilledTailIsCutAway() throws IOException {
        claim(held("a", "240.0.0.1"));
        closeStore();
        append(journal(), new byte[100]);

        assertThat(reopened().load().rows()).containsExactly(held("a", "240.0.0.1"));
    }

    @Test
    void acknowledgedLastRecordWithBadChecksumIsALossNotATornWrite() throws IOException {
        claim(held("a", "240.0.0.1"));
        claim(held("b", "240.0.0.2"));
        closeStore();
        flipByte(journal(), Files.size(journal()) - 1);

        assertThatThrownBy(this::store)
                .isInstanceOf(StoreLossException.class)
                .hasMessageContaining("revision 2 is missing");
    }

    @Test
    void acknowledgedLastRecordWithBadChecksumIsCutAwayWhenTheLossIsAccepted() throws IOException {
        claim(held("a", "240.0.0.1"));
        claim(held("b", "240.0.0.2"));
        closeStore();
        flipByte(journal(), Files.size(journal()) - 1);

        try (FileVipStore accepted = FileVipStore.open(dataDir(), snapshotAfterRecords, true)) {
            assertThat(accepted.load().rows()).containsExactly(held("a", "240.0.0.1"));
        }
        assertThat(reopened().load().rows()).containsExactly(held("a", "240.0.0.1"));
    }

    @Test
    void corruptRecordFollowedByIntactOnesIsAnErrorNamingFileAndOffset() throws IOException {
        claim(held("a", "240.0.0.1"));
        claim(held("b", "240.0.0.2"));
        claim(held("c", "240.0.0.3"));
        closeStore();
        long secondRecord = Frames.HEADER_BYTES_V3 + frameBytes(held("a", "240.0.0.1")).length;
        flipByte(journal(), secondRecord + 12);

        assertThatThrownBy(this::store)
                .isInstanceOf(IOException.class)
                .hasMessageContaining(journal().toRealPath().toString())
                .hasMessageContaining("corrupt record at offset " + secondRecord);
    }

    @Test
    void journalPastTheThresholdIsSnapshottedAndBothAreRestored() throws IOException {
        snapshotAfterRecords = 3;
        for (int i = 1; i <= 5; i++) {
            claim(held("svc-" + i, "240.0.0." + i));
        }

        assertThat(dataDir().resolve(FileVipStore.SNAPSHOT)).isRegularFile();
        assertThat(FrameFile.read(journal(), "MDVJ").records()).hasSize(1);
        assertThat(reopened().load().rows()).extracting(VipStore.Allocation::service)
                .containsExactly("svc-1", "svc-2", "svc-3", "svc-4", "svc-5");
    }

    @Test
    void aJournalIsSnapshottedAgainOnlyOnceItHoldsMoreRowsThanTheLastSnapshot() throws IOException {
        snapshotAfterRecords = 2;
        claim(held("a", "240.0.0.1"), held("b", "240.0.0.2"), held("c", "240.0.0.3")); // 3 rows: a snapshot of 3
        for (int i = 4; i <= 6; i++) {
            claim(held("svc-" + i, "240.0.0." + i));
        }
        assertThat(FrameFile.read(journal(), "MDVJ").records()).as("3 rows, as many as the snapshot").hasSize(3);

        claim(held("svc-7", "240.0.0.7"));

        assertThat(FrameFile.read(journal(), "MDVJ").records()).isEmpty();
        assertThat(reopened().load().rows()).hasSize(7);
    }

    @Test
    void crashBetweenSnapshotAndFreshJournalRestoresEachAllocationOnce() throws IOException {
        claim(held("a", "240.0.0.1"), held("b", "240.0.0.2"));
        closeStore();
        byte[] journalBeforeSnapshot = Files.readAllBytes(journal());
        snapshotAfterRecords = 2;
        claim(held("c", "240.0.0.3")); // revision 2, then the snapshot
        closeStore();
        // as if the fresh journal's rename never happened: the old journal ends with revision 2
        Files.write(journal(), journalBeforeSnapshot);
        append(journal(), frameBytes(2, held("c", "240.0.0.3")));

        assertThat(reopened().load().rows()).containsExactly(
                held("a", "240.0.0.1"), held("b", "240.0.0.2"), held("c", "240.0.0.3"));
    }

    @Test
    void corruptSnapshotIsAnError() throws IOException {
        snapshotAfterRecords = 1;
        claim(held("a", "240.0.0.1"), held("b", "240.0.0.2"));
        closeStore();
        Path snapshot = dataDir().resolve(FileVipStore.SNAPSHOT);
        flipByte(snapshot, Files.size(snapshot) - 1);

        assertThatThrownBy(this::store)
                .isInstanceOf(IOException.class)
                .hasMessageContaining(FileVipStore.SNAPSHOT)
                .hasMessageContaining("corrupt record at offset " + Frames.HEADER_BYTES_V3);
    }

    @Test
    void leftoverTempFilesOfAnInterruptedSnapshotAreIgnored() throws IOException {
        claim(held("a", "240.0.0.1"));
        closeStore();
        Files.write(dataDir().resolve(FileVipStore.SNAPSHOT + ".tmp"), new byte[] {1, 2, 3});
        Files.write(dataDir().resolve(FileVipStore.JOURNAL + ".tmp"), new byte[] {4, 5});

        assertThat(reopened().load().rows()).containsExactly(held("a", "240.0.0.1"));
    }

    @Test
    void fileThatIsNotAJournalIsRefused() throws IOException {
        Files.createDirectories(dataDir());
        Files.writeString(journal(), "services: [backend]\n");

        assertThatThrownBy(this::store)
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not a mesh-dns VIP file");
    }

    @Test
    void secondOpenOfALockedDataDirFailsUntilTheFirstIsClosed() throws IOException {
        claim(held("a", "240.0.0.1"));

        assertThatThrownBy(() -> FileVipStore.open(dataDir()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("is in use by another FileVipStore");
        assertThat(reopened().load().rows()).containsExactly(held("a", "240.0.0.1"));
    }

    @Test
    void releasesSurviveASnapshotAndACrashBeforeTheFreshJournal() throws IOException {
        claim(held("a", "240.0.0.1"), held("b", "240.0.0.2"));
        store().release(List.of(held("a", "240.0.0.1")), T0);
        closeStore();
        byte[] journalBeforeSnapshot = Files.readAllBytes(journal());
        snapshotAfterRecords = 3;
        claim(held("c", "240.0.0.3")); // revision 3, then the snapshot
        closeStore();
        // as if the fresh journal's rename never happened: the old journal ends with revision 3
        Files.write(journal(), journalBeforeSnapshot);
        append(journal(), frameBytes(3, held("c", "240.0.0.3")));

        assertThat(reopened().load().rows()).containsExactlyInAnyOrder(
                released("a", "240.0.0.1", T0), held("b", "240.0.0.2"), held("c", "240.0.0.3"));
        assertThat(store().claim(List.of(held("d", "240.0.0.1")), QUARANTINE, T0.plusSeconds(1))).isEmpty();
    }

    @Test
    void aReleaseTimeNoInstantCanHoldIsAMalformedRecordNamingTheFile() throws IOException {
        claim(held("a", "240.0.0.1"));
        closeStore();
        ByteBuffer release = Frames.encode(Frames.RELEASE, 2, List.of(released("a", "240.0.0.1", T0)));
        // epochSecond + nanos overflow a long: Instant.ofEpochSecond threw ArithmeticException, not IOException
        release.putLong(release.limit() - 12, Long.MAX_VALUE).putInt(release.limit() - 4, Integer.MAX_VALUE);
        byte[] frame = withChecksum(release);
        append(journal(), frame);
        append(journal(), frameBytes(held("b", "240.0.0.2"))); // an intact record after it: not a torn tail

        assertThatThrownBy(this::store)
                .isInstanceOf(IOException.class)
                .hasMessageContaining(journal().toRealPath().toString())
                .hasMessageContaining("malformed record at offset");
    }

    @Test
    void journalOfFormatVersion1IsReadAsHeldClaimsAndRewritten() throws IOException {
        Files.createDirectories(dataDir());
        Files.write(journal(), LegacyFormat.file("MDVJ",
                List.of(held("a", "240.0.0.1"), held("b", "fd00:fd00::2")), List.of(held("c", "240.0.0.3"))));

        assertThat(store().load().rows()).containsExactlyInAnyOrder(
                held("a", "240.0.0.1"), held("b", "fd00:fd00::2"), held("c", "240.0.0.3"));
        assertThat(FrameFile.read(journal(), "MDVJ").version()).isEqualTo(Frames.VERSION);
        assertThat(FrameFile.read(dataDir().resolve(FileVipStore.SNAPSHOT), "MDVS").version())
                .isEqualTo(Frames.VERSION);
        store().release(List.of(held("a", "240.0.0.1")), T0);
        assertThat(reopened().load().rows()).containsExactlyInAnyOrder(
                released("a", "240.0.0.1", T0), held("b", "fd00:fd00::2"), held("c", "240.0.0.3"));
    }

    @Test
    void snapshotAndJournalOfFormatVersion1AreBothRestored() throws IOException {
        Files.createDirectories(dataDir());
        Files.write(dataDir().resolve(FileVipStore.SNAPSHOT), LegacyFormat.file("MDVS",
                List.of(held("a", "240.0.0.1"), held("b", "240.0.0.2"))));
        Files.write(journal(), LegacyFormat.file("MDVJ", List.of(held("b", "240.0.0.2"), held("c", "240.0.0.3"))));

        assertThat(reopened().load().rows()).containsExactlyInAnyOrder(
                held("a", "240.0.0.1"), held("b", "240.0.0.2"), held("c", "240.0.0.3"));
    }

    @Test
    void version1JournalGivingOneServiceTwoAddressesIsAnError() throws IOException {
        Files.createDirectories(dataDir());
        Files.write(journal(), LegacyFormat.file("MDVJ", List.of(held("a", "240.0.0.1")), List.of(held("a", "240.0.0.2"))));

        assertThatThrownBy(this::store)
                .isInstanceOf(IOException.class)
                .hasMessageContaining("two addresses for mesh/a: 240.0.0.1 and 240.0.0.2");
    }

    @Test
    void journalHoldingOneAddressForTwoServicesIsAnErrorNamingBoth() throws IOException {
        Files.createDirectories(dataDir());
        Files.write(journal(), LegacyFormat.file("MDVJ", List.of(held("a", "240.0.0.1"), held("b", "240.0.0.1"))));

        assertThatThrownBy(this::store)
                .isInstanceOf(IOException.class)
                .hasMessageContaining("holds 240.0.0.1 for both mesh/a and mesh/b");
    }

    @Test
    void namesOfTheMostBytesARecordHoldsSurviveReopenAndOneByteMoreIsRefusedNamingTheField() throws IOException {
        // 65,535 bytes: ASCII is written char by char, other text through the UTF-8 encoder.
        VipStore.Allocation ascii = held("a".repeat(0xFFFF), "240.0.0.1");
        VipStore.Allocation accented = held("é".repeat(0x7FFF) + "a", "240.0.0.2");
        claim(ascii, accented);

        assertThatThrownBy(() -> claim(held("b".repeat(0x10000), "240.0.0.3")))
                .hasMessageContaining("service is 65536 bytes in UTF-8, at most 65535 fit");
        assertThatThrownBy(() -> claim(held("é".repeat(0x8000), "240.0.0.3")))
                .hasMessageContaining("service is 65536 bytes in UTF-8, at most 65535 fit");
        claim(held("c", "240.0.0.4"));

        assertThat(reopened().load().rows()).containsExactlyInAnyOrder(ascii, accented, held("c", "240.0.0.4"));
    }

    private static byte[] frameBytes(VipStore.Allocation allocation) {
        return frameBytes(1, allocation);
    }

    private static byte[] frameBytes(long revision, VipStore.Allocation allocation) {
        ByteBuffer frame = Frames.encode(Frames.CLAIM, revision, List.of(allocation));
        byte[] bytes = new byte[frame.remaining()];
        frame.get(bytes);
        return bytes;
    }

    /** The frame with the CRC32C its (changed) length and payload need, as {@link Frames} computes it. */
    private static byte[] withChecksum(ByteBuffer frame) {
        byte[] bytes = new byte[frame.limit()];
        frame.duplicate().position(0).get(bytes);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, 4);
        crc.update(bytes, Frames.FRAME_OVERHEAD_BYTES, bytes.length - Frames.FRAME_OVERHEAD_BYTES);
        ByteBuffer.wrap(bytes).putInt(4, (int) crc.getValue());
        return bytes;
    }

    private static void append(Path file, byte[] bytes) throws IOException {
        Files.write(file, bytes, StandardOpenOption.APPEND);
    }

    private static void flipByte(Path file, long offset) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[(int) offset] ^= 0x5A;
        Files.write(file, bytes);
    }
}
