package dev.meshdns.admin;

import java.time.Duration;

/**
 * What the admin HTTP server allows one client, so that probes and scrapes are served whatever one
 * client does. Immutable.
 *
 * @param requestTimeout from a connection's accept, or the first byte of a later request on it, until
 *     the whole request (head and body) has arrived; a slow-loris sender is closed when it runs out
 * @param idleTimeout how long a keep-alive connection may wait for its next request
 * @param responseTimeout from a complete request until its answer is written to the socket (a client
 *     that does not read is closed)
 * @param maxInitialLineBytes longest request line (method, target, version), else 414
 * @param maxHeaderBytes largest header block, else 431
 * @param maxBodyBytes largest request body (no endpoint takes one), else 413 and the connection is
 *     closed without reading the body
 * @param maxConnections open connections; one more evicts the one idle longest
 */
record AdminLimits(Duration requestTimeout, Duration idleTimeout, Duration responseTimeout,
                   int maxInitialLineBytes, int maxHeaderBytes, int maxBodyBytes, int maxConnections) {

    /** The limits of the server: 5 s for a request, 30 s idle, 4 KiB line, 8 KiB headers, 4 KiB body, 64 connections. */
    static AdminLimits defaults() {
        return new AdminLimits(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(30),
                4096, 8192, 4096, 64);
    }
}
