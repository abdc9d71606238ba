package dev.meshdns.transport;

import java.time.Duration;

/**
 * How long a TCP connection may stay without a complete query, and how many may be open, in total
 * and per client address. Immutable.
 */
public record TcpLimits(Duration idleTimeout, int maxConnections, int maxConnectionsPerSource) {
}
