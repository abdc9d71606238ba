package dev.meshdns.it.support;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The zones the forwarding tests' upstream (Knot) serves: {@code example.test.} with plain, short-
 * lived and oversized answers; {@code httpbin.org.}, whose address the example catalog takes over
 * while its other records stay upstream; and a decoy {@code mesh.} with other addresses, so an
 * answer from upstream for a zone name would show. Stateless.
 */
public final class UpstreamZones {
    /** An address of a name upstream. */
    public static final String WWW = "198.51.100.10";
    /** What the decoy upstream {@code mesh.} says backend.mesh is; mesh-dns must never answer it. */
    public static final String DECOY = "192.0.2.99";
    /** TXT records of {@code big.example.test.}: together far over 1232 bytes. */
    public static final int BIG_RECORDS = 12;

    private UpstreamZones() {
    }

    public static Map<String, String> all() {
        StringBuilder example = new StringBuilder("""
                $ORIGIN example.test.
                $TTL 3600
                @ SOA ns hostmaster 1 3600 600 86400 60
                @ NS ns
                ns A 127.0.0.1
                www A 198.51.100.10
                short 1 A 198.51.100.11
                """);
        String chunk = "x".repeat(200);
        for (int i = 0; i < BIG_RECORDS; i++) {
            example.append("big TXT \"").append(i).append(chunk).append("\"\n");
        }
        Map<String, String> zones = new LinkedHashMap<>();
        zones.put("example.test.", example.toString());
        zones.put("httpbin.org.", """
                $ORIGIN httpbin.org.
                $TTL 3600
                @ SOA ns hostmaster 1 3600 600 86400 60
                @ NS ns
                @ A 192.0.2.80
                @ MX 10 mail
                ns A 127.0.0.1
                www A 192.0.2.81
                """);
        zones.put("mesh.", """
                $ORIGIN mesh.
                $TTL 3600
                @ SOA ns hostmaster 1 3600 600 86400 60
                @ NS ns
                ns A 127.0.0.1
                backend A 192.0.2.99
                """);
        return zones;
    }
}
