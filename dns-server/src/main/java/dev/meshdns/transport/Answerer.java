package dev.meshdns.transport;

import dev.meshdns.core.Resolver;
import dev.meshdns.table.NameTable;
import java.util.function.Supplier;

/**
 * The one call the transport makes per query: wire bytes in, reply bytes out. The production
 * answerer is {@link #resolving}; tests of framing may plug in another. Implementations must be
 * safe to call from every event loop thread at once.
 */
@FunctionalInterface
public interface Answerer {

    /**
     * Answers {@code query[0..length)} into {@code out} (at least {@link Resolver#MAX_REPLY}
     * bytes) and returns the reply length, or {@link Resolver#DROP} for no reply.
     */
    int answer(byte[] query, int length, boolean tcp, byte[] out);

    /** Answers with the {@link Resolver} and the table current at the time of each query. */
    static Answerer resolving(Supplier<NameTable> tables) {
        return (query, length, tcp, out) -> Resolver.answer(query, length, tcp, false, tables.get(), out);
    }
}
