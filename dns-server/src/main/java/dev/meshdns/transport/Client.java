package dev.meshdns.transport;

import dev.meshdns.forward.ReplySink;
import java.net.InetAddress;
import java.util.function.Supplier;

/**
 * The client of one query as an {@link Answerer} sees it: its transport and address, and, through
 * {@link #get}, a sink for a reply that comes later (a forwarded query). The handlers reuse one per
 * socket or connection, so answering allocates nothing for it; {@code get} captures what the later
 * reply needs. Confined to the event loop that read the query.
 */
public interface Client extends Supplier<ReplySink> {
    boolean tcp();

    /** The client's IP address (the one of the datagram or connection). */
    InetAddress address();

    /** When the handler read the query ({@link System#nanoTime}), for the request duration. */
    long arrivalNanos();
}
