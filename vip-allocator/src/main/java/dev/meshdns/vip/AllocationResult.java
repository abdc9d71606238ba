package dev.meshdns.vip;

import java.net.InetAddress;
import java.util.Map;

/** The outcome of one {@link VipAllocator#allocate} call: durable VIPs and, per service, why none was given. */
public record AllocationResult(Map<String, InetAddress> vips, Map<String, String> failures) {
}
