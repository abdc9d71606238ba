package dev.meshdns.transport;

import dev.meshdns.admin.Metrics;
import dev.meshdns.core.Resolver;
import dev.meshdns.wire.Wire;
import java.net.Inet6Address;

/**
 * Counts every query (proto, client family, type, size) and its reply (RCODE read back from the
 * reply, with the OPT's extended bits ({@link Wire#fullRcode}), size, time since {@link Client#arrivalNanos}), and every dropped message, around
 * another {@link Answerer}; a later reply is counted by the handler's sink, a throw passes through
 * uncounted (see {@link DnsTransport#counted}). Allocates nothing. Thread-safe when the delegate is.
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
        if (replyLength == Resolver.DROP) {
            metrics.dropped(transport);
            return replyLength;
        }
        metrics.request(transport, client.address() instanceof Inet6Address, Resolver.questionType(query, length),
                length);
        if (replyLength >= 0) { // a later reply is counted by the handler when it is sent; a suppressed one never
            metrics.response(transport, Wire.fullRcode(out, replyLength), replyLength, System.nanoTime() - client.arrivalNanos());
        }
        return replyLength;
    }
}
