package dev.meshdns.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

class ConnectionCapHandlerTest {

    @Test
    void connectionOverTheCapIsClosedAtOnceAndTheAdmittedOneStaysOpen() {
        ConnectionLimits limits = new ConnectionLimits(1, 1);
        EmbeddedChannel first = new EmbeddedChannel(new ConnectionCapHandler(limits));
        EmbeddedChannel second = new EmbeddedChannel(new ConnectionCapHandler(limits));

        assertThat(first.isOpen()).isTrue();
        assertThat(second.isOpen()).isFalse();
        assertThat(limits.total()).isEqualTo(1);

        first.close();
        assertThat(limits.total()).isZero();
        first.finishAndReleaseAll();
        second.finishAndReleaseAll();
    }
}
