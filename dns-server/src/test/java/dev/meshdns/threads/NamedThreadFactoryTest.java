package dev.meshdns.threads;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.FastThreadLocalThread;
import org.junit.jupiter.api.Test;

class NamedThreadFactoryTest {
    private static final Runnable TASK = () -> { };

    @Test
    void eventLoopThreadsAreNumberedFastThreadLocalThreads() {
        NamedThreadFactory factory = NamedThreadFactory.eventLoops("meshdns-udp");

        Thread first = factory.newThread(TASK);
        Thread second = factory.newThread(TASK);

        assertThat(first.getName()).isEqualTo("meshdns-udp-1");
        assertThat(second.getName()).isEqualTo("meshdns-udp-2");
        assertThat(first).isInstanceOf(FastThreadLocalThread.class);
        assertThat(first.isDaemon()).isEqualTo(Thread.currentThread().isDaemon());
    }

    @Test
    void daemonThreadsAreNumberedDaemons() {
        NamedThreadFactory factory = NamedThreadFactory.daemon("meshdns-admin");

        assertThat(factory.newThread(TASK)).satisfies(thread -> {
            assertThat(thread.getName()).isEqualTo("meshdns-admin-1");
            assertThat(thread.isDaemon()).isTrue();
        });
        assertThat(factory.newThread(TASK).getName()).isEqualTo("meshdns-admin-2");
    }

    @Test
    void singleThreadHasExactlyItsNameWithoutANumber() {
        NamedThreadFactory factory = NamedThreadFactory.single("meshdns-vip-store");

        assertThat(factory.newThread(TASK)).satisfies(thread -> {
            assertThat(thread.getName()).isEqualTo("meshdns-vip-store");
            assertThat(thread.isDaemon()).isTrue();
        });
        assertThat(factory.newThread(TASK).getName()).isEqualTo("meshdns-vip-store");
    }
}
