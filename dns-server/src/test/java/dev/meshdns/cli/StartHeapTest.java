package dev.meshdns.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

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

    private void ratios(int min, int max) {
        vm.setVMOption(StartHeap.MAX, "100");
        vm.setVMOption(StartHeap.MIN, Integer.toString(min));
        vm.setVMOption(StartHeap.MAX, Integer.toString(max));
    }

    private String ratios() {
        return vm.getVMOption(StartHeap.MIN).getValue() + "/" + vm.getVMOption(StartHeap.MAX).getValue();
    }
}
