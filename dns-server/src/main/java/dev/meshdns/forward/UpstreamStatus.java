package dev.meshdns.forward;

import java.net.InetSocketAddress;

/**
 * One upstream's health, for the admin {@code /upstreams} view: down after two failures in a row
 * until a probe or a query gets a reply; {@code lastFailure} is empty when it never failed.
 * Immutable.
 */
public record UpstreamStatus(InetSocketAddress address, boolean up, int consecutiveFailures, String lastFailure) {
}
