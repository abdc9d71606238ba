package dev.meshdns.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The admin connection cap, on EmbeddedChannels each with a connection guard. */
class AdminConnectionsTest {
    private static final AdminLimits TWO_CONNECTIONS = new AdminLimits(Duration.ofSeconds(5), Duration.ofSeconds(30),
            Duration.ofSeconds(30), 4096, 8192, 4096, 2);

    private final AdminConnections connections = new AdminConnections(TWO_CONNECTIONS.maxConnections());
    private final Metrics metrics = Metrics.prometheus();

    @Test
    void oneConnectionOverTheCapEvictsTheLongestIdleNotTheNewcomer() {
        EmbeddedChannel first = connection();
        EmbeddedChannel second = connection();
        first.writeInbound(Unpooled.wrappedBuffer(new byte[] {'G'})); // first was active since second arrived

        EmbeddedChannel third = connection();

        assertThat(second.isOpen()).as("longest idle").isFalse();
        assertThat(first.isOpen()).isTrue();
        assertThat(third.isOpen()).isTrue();
        assertThat(connections.size()).isEqualTo(2);
        assertThat(metrics.registry().get("meshdns.admin.connections.closed").tag("reason", "evicted").counter().count())
                .isEqualTo(1);
    }

    @Test
    void closedConnectionsAreForgotten() {
        EmbeddedChannel first = connection();
        connection();

        first.close();

        assertThat(connections.size()).isEqualTo(1);
    }

    private EmbeddedChannel connection() {
        return new EmbeddedChannel(new AdminConnectionGuard(connections, TWO_CONNECTIONS, metrics));
    }
}
