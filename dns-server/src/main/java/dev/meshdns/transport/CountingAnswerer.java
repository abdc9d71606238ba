package dev.meshdns.transport;

import dev.meshdns.admin.Metrics;
import dev.meshdns.core.Resolver;

/**
 * Counts every answer by transport and RCODE (read back from the reply header), and every
 * dropped message, around another {@link Answerer}; a throw passes through uncounted (see
 * {@link DnsTransport#counted}). Allocates nothing. Thread-safe when the delegate is.
 */
final class CountingAnswerer implements Answerer {
    private final Answerer delegate;
    private final Metrics metrics;

    CountingAnswerer(Answerer delegate, Metrics metrics) {
        this.delegate = delegate;
        this.metrics = metrics;
    }

    @Override
    public int answer(byte[] query, int length, Client client, byte[] out) {
        int replyLength = delegate.answer(query, length, client, out);
        int transport = client.tcp() ? Metrics.TCP : Metrics.UDP;
        if (replyLength == LATER) {
            return replyLength; // counted by the handler when it is sent
        }
        if (replyLength == Resolver.DROP) {
            metrics.dropped(transport);
        } else {
            metrics.response(transport, out[3] & 0x0f);
        }
        return replyLength;
    }
}
