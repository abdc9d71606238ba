package dev.meshdns.table;

import java.net.Inet4Address;
import java.net.Inet6Address;

/**
 * The addresses of one service as the table answers them: per family, a VIP, or the reason it
 * has none (e.g. the pool is exhausted), which its names then answer as SERVFAIL with that reason
 * as an Extended DNS Error. Both null and no reason: the family is simply not answered. Immutable.
 */
public record ServiceVips(Inet4Address v4, Inet6Address v6, String v4Failure, String v6Failure) {

    public static ServiceVips of(Inet4Address v4) {
        return new ServiceVips(v4, null, null, null);
    }

    /** True when it is just an IPv4 VIP, as nearly every service's is: then {@link #of} that VIP makes an equal one. */
    public boolean v4Only() {
        return v4 != null && v6 == null && v4Failure == null && v6Failure == null;
    }

    /** True when the service has nothing to answer and nothing to report: its names are left out. */
    boolean isEmpty() {
        return v4 == null && v6 == null && v4Failure == null && v6Failure == null;
    }
}
