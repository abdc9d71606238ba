package dev.meshdns.transport;

import java.time.Duration;

/**
 * How long a TCP connection may stay quiet (no complete query: {@code idleTimeout}) or take to send
 * one message once its first byte came ({@code messageTimeout}, RFC 7766 section 6.2.3: a stalled
 * partial message is not an idle connection), and how many may be open, in total and per client
 * address; a full cap closes the connection that matters least (see {@link ConnectionLimits}).
 * Immutable.
 */
public record TcpLimits(Duration idleTimeout, Duration messageTimeout, int maxConnections,
                        int maxConnectionsPerSource) {
    /** Like Knot's {@code tcp-io-timeout} (500 ms), with room for a slow link. */
    public static final Duration DEFAULT_MESSAGE_TIMEOUT = Duration.ofSeconds(1);

    /** With the {@link #DEFAULT_MESSAGE_TIMEOUT}. */
    public TcpLimits(Duration idleTimeout, int maxConnections, int maxConnectionsPerSource) {
        this(idleTimeout, DEFAULT_MESSAGE_TIMEOUT, maxConnections, maxConnectionsPerSource);
    }
}
