package dev.meshdns.catalog;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.List;

/**
 * One service of the mesh, as a catalog file or a control plane describes it. Immutable.
 *
 * @param service   the {@code kuma.io/service} tag, e.g. {@code backend} or {@code frontend_kong_svc_80}
 * @param hostnames extra DNS names (lower case, no trailing dot), inside or outside the zone
 * @param vip       an IPv4 address pinned by the control plane, or null to allocate one
 * @param vip6      an IPv6 address pinned by the control plane, or null
 * @param ports     informational ports
 */
public record ServiceEntry(String service, List<String> hostnames, Inet4Address vip, Inet6Address vip6,
                           List<Integer> ports) {
    public ServiceEntry {
        hostnames = List.copyOf(hostnames);
        ports = List.copyOf(ports);
    }

    public static ServiceEntry of(String service) {
        return new ServiceEntry(service, List.of(), null, null, List.of());
    }
}
