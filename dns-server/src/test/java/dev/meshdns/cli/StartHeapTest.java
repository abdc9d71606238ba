package dev.meshdns.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Works on the test JVM's own manageable flags, put back after each test. */
class StartHeapTest {
    private final HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    private String originalMin;
    private String originalMax;

    @BeforeEach
    void remember() {
        originalMin = vm.getVMOption(StartHeap.MIN).getValue();
        originalMax = vm.getVMOption(StartHeap.MAX).getValue();
    }

    @AfterEach
    void putBack() {
        vm.setVMOption(StartHeap.MAX, "100");
        vm.setVMOption(StartHeap.MIN, originalMin);
        vm.setVMOption(StartHeap.MAX, originalMax);
    }

    @Test
    void theLaunchersTightRatiosAreWidenedForTheStartAndPutBackAfter() {
        ratios(10, 30);

        try (StartHeap heap = StartHeap.widen()) {
            assertThat(ratios()).isEqualTo("75/90");
        }

        assertThat(ratios()).isEqualTo("10/30");
    }

    @Test
    void ratiosAlreadyRoomierThanTheStartsAreKept() {
        ratios(80, 95);

        try (StartHeap heap = StartHeap.widen()) {
            assertThat(ratios()).isEqualTo("80/95");
        }

        assertThat(ratios()).isEqualTo("80/95");
    }

    @Test
    void aMinimumBetweenTheLaunchersAndTheStartsIsRaisedAndPutBack() {
        ratios(40, 70);

        try (StartHeap heap = StartHeap.widen()) {
            assertThat(ratios()).isEqualTo("75/90");
        }

        assertThat(ratios()).isEqualTo("40/70");
    }

    @Test
    void theGiveBackPutsTheLaunchersMaximumBackAfterItsGc() {
        ratios(10, 30);

        StartHeap.giveBack(10);

        assertThat(ratios()).isEqualTo("10/30");
    }

    @Test
    void theGiveBackLeavesAMinimumAboveItsMaximumAsItIs() {
        ratios(25, 50);

        StartHeap.giveBack(10);

        assertThat(ratios()).isEqualTo("25/50");
    }

    @Test
    void aLargeFirstTableIsCollectedBeforeItAnswersUnderTheStartsRatiosAndNotGivenBackAgain() {
        ratios(10, 30);
        List<String> lines = logged(() -> {
            StartHeap heap = StartHeap.widen();

            heap.beforeFirstAnswer(StartHeap.GIVE_BACK_NAMES + 1);
            assertThat(ratios()).as("while the apply goes on").isEqualTo("75/90");
            heap.afterStart(StartHeap.GIVE_BACK_NAMES + 1);
        });

        assertThat(ratios()).isEqualTo("10/30");
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("heap after the start: ").endsWith(" ms, before the first answer)");
        assertThat(lines.get(1)).isEqualTo("heap after the start: 400001 names, collected before the first answer;"
                + " it shrinks at its next full GC");
    }

    @Test
    void aSmallFirstTableIsGivenBackOnceTheStartIsDone() {
        ratios(10, 30);
        List<String> lines = logged(() -> {
            StartHeap heap = StartHeap.widen();

            heap.beforeFirstAnswer(10);
            assertThat(ratios()).isEqualTo("75/90");
            heap.afterStart(10);
        });

        assertThat(ratios()).isEqualTo("10/30");
        assertThat(lines).singleElement().satisfies(line -> assertThat(line).startsWith("heap after the start: ")
                .doesNotContain("before the first answer"));
    }

    private static List<String> logged(Runnable run) {
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(StartHeap.class);
        logged.start();
        logger.addAppender(logged);
        try {
            run.run();
        } finally {
            logger.detachAppender(logged);
        }
        return logged.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    private void ratios(int min, int max) {
        vm.setVMOption(StartHeap.MAX, "100");
        vm.setVMOption(StartHeap.MIN, Integer.toString(min));
        vm.setVMOption(StartHeap.MAX, Integer.toString(max));
    }

    private String ratios() {
        return vm.getVMOption(StartHeap.MIN).getValue() + "/" + vm.getVMOption(StartHeap.MAX).getValue();
    }
}
