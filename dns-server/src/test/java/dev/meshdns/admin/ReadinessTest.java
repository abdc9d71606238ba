package dev.meshdns.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadinessTest {
    @Test
    void notReadyCarriesItsReasonAndMoreDetails() {
        Readiness readiness = Readiness.notReady("catalog not loaded").withDetail("store not restored");

        assertThat(readiness.ready()).isFalse();
        assertThat(readiness.details()).containsExactly("catalog not loaded", "store not restored");
        assertThat(readiness.text()).isEqualTo("not ready\ncatalog not loaded\nstore not restored\n");
    }

    @Test
    void readyMayStillShowDetails() {
        Readiness readiness = Readiness.READY.withDetail("2 services without a VIP: pool exhausted");

        assertThat(readiness.ready()).isTrue();
        assertThat(readiness.text()).isEqualTo("ready\n2 services without a VIP: pool exhausted\n");
        assertThat(Readiness.READY.details()).isEmpty();
    }

    @Test
    void detailIsOneLineSoTheBodyStaysOneReasonPerLine() {
        assertThat(Readiness.notReady("store down:\r\nconnection refused\nretrying").details())
                .containsExactly("store down: connection refused retrying");
    }

    @Test
    void detailsAreCopiedNotShared() {
        List<String> details = new ArrayList<>(List.of("a"));
        Readiness readiness = new Readiness(false, details);
        details.add("b");

        assertThat(readiness.details()).containsExactly("a");
    }
}
