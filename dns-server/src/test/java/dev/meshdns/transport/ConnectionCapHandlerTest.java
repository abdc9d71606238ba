package dev.meshdns.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class ConnectionCapHandlerTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final dev.meshdns.admin.Metrics metrics = new dev.meshdns.admin.Metrics(registry);

    @Test
    void connectionOverTheCapIsAdmittedAndTheEarlierOneIsClosed() {
        ConnectionLimits limits = new ConnectionLimits(1, 1);
        EmbeddedChannel first = connection(limits);
        EmbeddedChannel second = connection(limits);
        first.runPendingTasks();

        assertThat(first.isOpen()).isFalse();
        assertThat(second.isOpen()).isTrue();
        assertThat(limits.total()).isEqualTo(1);
        assertThat(Clients.count(registry, "meshdns.dns.tcp.evictions")).isEqualTo(1.0);

        second.close();
        assertThat(limits.total()).isZero();
        first.finishAndReleaseAll();
        second.finishAndReleaseAll();
    }

    private EmbeddedChannel connection(ConnectionLimits limits) {
        return new EmbeddedChannel(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel channel) {
                ConnectionSlot slot = new ConnectionSlot(InetAddress.getLoopbackAddress(), channel);
                channel.pipeline().addLast(new ConnectionCapHandler(limits, slot, metrics));
            }
        });
    }
}
