package dev.meshdns.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.admin.Metrics;
import dev.meshdns.core.Resolver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** {@link DnsTransport#counted}: every query is counted once, by its outcome, a throwing answerer's too. */
class CountedAnswererTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Metrics metrics = new Metrics(registry);
    private final Answerer counted = DnsTransport.counted(new EchoAnswerer(), metrics);
    private final byte[] out = new byte[Resolver.MAX_REPLY];

    @Test
    void answeredQueryIsCountedByTransportAndRcode() {
        counted.answer(EchoAnswerer.query(1), 12, Clients.TCP, out);

        assertThat(count("meshdns.dns.responses", "tcp", "NOERROR")).isEqualTo(1.0);
        assertThat(count("meshdns.dns.requests", "tcp")).isEqualTo(1.0);
        assertThat(count("meshdns.dns.requests", "udp")).isZero();
    }

    @Test
    void droppedQueryIsCountedAsDropped() {
        assertThat(counted.answer(EchoAnswerer.query(0xFFFF), 12, Clients.UDP, out)).isEqualTo(Resolver.DROP);

        assertThat(count("meshdns.dns.dropped", "udp")).isEqualTo(1.0);
        assertThat(count("meshdns.dns.requests", "udp")).isZero();
    }

    @Test
    void queryWhoseAnswererThrowsIsDroppedAndCountedAsAnAnswerFailureOnly() {
        Answerer throwing = DnsTransport.counted((query, length, client, reply) -> {
            throw new IllegalStateException("resolver bug");
        }, metrics);

        assertThat(throwing.answer(EchoAnswerer.query(1), 12, Clients.UDP, out)).isEqualTo(Resolver.DROP);

        assertThat(count("meshdns.dns.answer.failures", "udp")).isEqualTo(1.0);
        assertThat(count("meshdns.dns.answer.failures", "tcp")).isZero();
        assertThat(count("meshdns.dns.dropped", "udp")).isZero();
        assertThat(count("meshdns.dns.requests", "udp")).isZero();
    }

    private double count(String name, String transport) {
        return registry.get(name).tag("transport", transport).counter().count();
    }

    private double count(String name, String transport, String rcode) {
        return registry.get(name).tag("transport", transport).tag("rcode", rcode).counter().count();
    }
}
