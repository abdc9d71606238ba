package dev.meshdns.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.admin.Metrics;
import dev.meshdns.core.Resolver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
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
    void extendedRcodesOfTheOptAreCountedByTheirOwnNames() {
        Answerer badvers = DnsTransport.counted(optOnlyReply(0, 1), metrics);
        Answerer badcookie = DnsTransport.counted(optOnlyReply(7, 1), metrics);
        Answerer plain = DnsTransport.counted(optOnlyReply(0, 0), metrics);
        byte[] a = Clients.query(1, 1);

        badvers.answer(a, a.length, Clients.UDP, out);
        badcookie.answer(a, a.length, Clients.UDP, out);
        badcookie.answer(a, a.length, Clients.TCP, out);
        plain.answer(a, a.length, Clients.UDP, out);

        assertThat(count("meshdns.dns.responses", "udp", "BADVERS")).as("RCODE 16: header 0, OPT 1").isEqualTo(1.0);
        assertThat(count("meshdns.dns.responses", "udp", "BADCOOKIE")).as("RCODE 23: header 7, OPT 1").isEqualTo(1.0);
        assertThat(count("meshdns.dns.responses", "tcp", "BADCOOKIE")).isEqualTo(1.0);
        assertThat(count("meshdns.dns.responses", "udp", "NOERROR")).isEqualTo(1.0);
    }

    /** Replies with the query's question and only an OPT record: header RCODE {@code low}, extended bits {@code high}. */
    private static Answerer optOnlyReply(int low, int high) {
        return (query, length, client, reply) -> {
            System.arraycopy(query, 0, reply, 0, length);
            reply[2] = (byte) 0x80;
            reply[3] = (byte) low;
            reply[11] = 1;
            byte[] opt = {0, 0, 41, 0x04, (byte) 0xd0, (byte) high, 0, 0, 0, 0, 0};
            System.arraycopy(opt, 0, reply, length, opt.length);
            return length + opt.length;
        };
    }

    @Test
    void queriesAreCountedByProtoFamilyTypeAndSize() throws IOException {
        Metrics prometheus = Metrics.prometheus();
        Answerer answerer = DnsTransport.counted(new EchoAnswerer(), prometheus);
        byte[] aaaa = Clients.query(1, 28);
        byte[] srv = Clients.query(2, 33);

        answerer.answer(aaaa, aaaa.length, Clients.of(false, InetAddress.getByName("2001:db8::1")), out);
        answerer.answer(srv, srv.length, Clients.of(true, InetAddress.getByName("192.0.2.1")), out);
        answerer.answer(EchoAnswerer.query(3), 12, Clients.UDP, out); // no question: other

        ByteArrayOutputStream text = new ByteArrayOutputStream();
        prometheus.writePrometheusText(text);
        assertThat(text.toString(StandardCharsets.UTF_8))
                .contains("meshdns_dns_requests_total{family=\"2\",proto=\"udp\",type=\"AAAA\"} 1.0")
                .contains("meshdns_dns_requests_total{family=\"1\",proto=\"tcp\",type=\"SRV\"} 1.0")
                .contains("meshdns_dns_requests_total{family=\"1\",proto=\"udp\",type=\"other\"} 1.0")
                .contains("meshdns_dns_request_size_bytes_sum{proto=\"udp\"} 36.0")
                .contains("meshdns_dns_request_size_bytes_sum{proto=\"tcp\"} 24.0")
                .contains("meshdns_dns_response_size_bytes_sum{proto=\"udp\"} 36.0")
                .contains("meshdns_dns_response_size_bytes_count{proto=\"tcp\"} 1")
                .contains("meshdns_dns_request_duration_seconds_count{proto=\"udp\"} 2")
                .contains("meshdns_dns_request_duration_seconds_count{proto=\"tcp\"} 1");
    }

    @Test
    void laterReplyCountsTheRequestNowAndNoResponseYet() {
        Answerer later = DnsTransport.counted((query, length, client, reply) -> Answerer.LATER, metrics);
        byte[] a = Clients.query(1, 1);

        assertThat(later.answer(a, a.length, Clients.UDP, out)).isEqualTo(Answerer.LATER);

        assertThat(Clients.count(registry, "meshdns.dns.requests", "proto", "udp", "type", "A")).isEqualTo(1.0);
        assertThat(Clients.count(registry, "meshdns.dns.responses", "proto", "udp")).isZero();
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
        return Clients.count(registry, name, name.startsWith("meshdns.dns.re") ? "proto" : "transport", transport);
    }

    private double count(String name, String transport, String rcode) {
        return Clients.count(registry, name, "proto", transport, "rcode", rcode);
    }
}
