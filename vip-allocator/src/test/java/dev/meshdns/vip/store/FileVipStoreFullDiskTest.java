package dev.meshdns.vip.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshdns.vip.VipStore.Allocation;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FileVipStore} on a real full disk (a small tmpfs): a write that fails leaves the rows as
 * they were, the next writes wait for space, and the journal never keeps a torn frame in front of a
 * later one.
 */
class FileVipStoreFullDiskTest {
    private static final Duration QUARANTINE = Duration.ofHours(1);
    private static final Instant T0 = Instant.parse("2026-11-26T16:00:00Z");
    private static final String ENOSPC = "No space left on device";
    /** Rows enough that one claim frame (26 bytes a row) needs more than one fresh 4 KiB page. */
    private static final int MANY = 200;

    @TempDir
    Path tempDir;
    private SmallDisk disk;
    private FileVipStore store;

    @BeforeEach
    void mountADisk() throws IOException {
        disk = SmallDisk.mount(tempDir.resolve("disk"), 64);
    }

    @AfterEach
    void closeAndUnmount() throws IOException {
        try {
            if (store != null) {
                store.close();
            }
        } finally {
            disk.close();
        }
    }

    private Path dataDir() {
        return disk.root().resolve("data");
    }

    private Path journal() {
        return dataDir().resolve(FileVipStore.JOURNAL);
    }

    @Test
    void aClaimOnAFullDiskFailsNamingTheJournalAndTheOsErrorAndChangesNoRow() throws IOException {
        store = FileVipStore.open(dataDir());
        claim(List.of(held("a", "240.0.0.1")));
        disk.fill();

        assertThatThrownBy(() -> claim(many()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(journal().toString())
                .hasMessageContaining(ENOSPC);
        assertThat(store.load().rows()).containsExactly(held("a", "240.0.0.1"));
        assertThat(store.load().revision()).isEqualTo(1);
    }

    @Test
    void writesResumeOnceThereIsSpaceAndTheTornFrameIsCutAwayFirst() throws IOException {
        store = FileVipStore.open(dataDir());
        claim(List.of(held("a", "240.0.0.1")));
        long durable = Files.size(journal());
        disk.fill();
        assertThatThrownBy(() -> claim(many())).hasStackTraceContaining(ENOSPC);
        assertThat(Files.size(journal())).as("the failed write left part of its frame").isGreaterThan(durable);
        assertThatThrownBy(() -> claim(many())).as("still full").hasStackTraceContaining(ENOSPC);

        disk.free();
        assertThat(claim(many())).hasSize(MANY);
        store.close();
        store = FileVipStore.open(dataDir());

        assertThat(store.load().rows()).hasSize(MANY + 1).contains(held("a", "240.0.0.1"));
        FrameFile.Contents journal = FrameFile.read(journal(), FileVipStore.JOURNAL_MAGIC);
        assertThat(journal.records()).as("records").hasSize(2);
        assertThat(journal.tornTail()).as("torn tail").isFalse();
    }

    @Test
    void aReleaseThatFailedIsNotAppliedAndGoesThroughOnceThereIsSpace() throws IOException {
        store = FileVipStore.open(dataDir());
        claim(many());
        disk.fill();

        // A release of every row is about as big as the claim was: it cannot fit the last page.
        assertThatThrownBy(() -> store.release(many(), T0)).hasStackTraceContaining(ENOSPC);
        assertThat(store.load().rows()).allMatch(Allocation::isHeld);
        disk.free();
        store.release(many(), T0);
        store.close();
        store = FileVipStore.open(dataDir());

        assertThat(store.load().rows()).hasSize(MANY).noneMatch(Allocation::isHeld);
    }

    @Test
    void aSnapshotThatFailsOnAFullDiskLeavesNoTempFileAndTheWriteBeforeItStands() throws IOException {
        store = FileVipStore.open(dataDir(), 2);
        claim(List.of(held("a", "240.0.0.1")));
        claim(List.of(held("b", "240.0.0.2")));
        disk.fill();

        assertThat(claim(List.of(held("c", "240.0.0.3")))).as("fits the journal's last page")
                .containsExactly(held("c", "240.0.0.3"));
        assertThat(FrameFile.temp(dataDir().resolve(FileVipStore.SNAPSHOT))).doesNotExist();
        disk.free();
        claim(List.of(held("d", "240.0.0.4")));

        assertThat(dataDir().resolve(FileVipStore.SNAPSHOT)).isRegularFile();
        store.close();
        store = FileVipStore.open(dataDir(), 2);
        assertThat(store.load().rows()).extracting(Allocation::service).containsExactly("a", "b", "c", "d");
    }

    private List<Allocation> claim(List<Allocation> claims) throws IOException {
        return store.claim(claims, QUARANTINE, T0);
    }

    private static List<Allocation> many() throws UnknownHostException {
        List<Allocation> rows = new ArrayList<>(MANY);
        for (int i = 0; i < MANY; i++) {
            rows.add(Allocation.held("mesh", String.format("service-%04d", i),
                    InetAddress.getByAddress(new byte[] {(byte) 240, 1, (byte) (i >> 8), (byte) i})));
        }
        return rows;
    }

    private static Allocation held(String service, String address) throws UnknownHostException {
        return Allocation.held("mesh", service, InetAddress.getByName(address));
    }
}
