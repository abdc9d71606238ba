package dev.meshdns.controlplane;

import com.google.protobuf.Any;
import com.google.protobuf.CodedOutputStream;
import dev.meshdns.sync.v1.ServiceEntry;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A service entry ready for the wire: its xDS resource name (the service), its version and the
 * Envoy {@link Resource} built once and reused for every stream. Immutable.
 *
 * <p>The version is derived from the content alone (SHA-256 of the deterministic serialization,
 * first 64 bits in hex), never from a counter: a restarted control plane with the same entries
 * reports the same versions, so a client resuming with {@code initial_resource_versions} is sent
 * nothing it already has.
 */
record VersionedEntry(String name, String version, Resource resource) {
    static VersionedEntry of(ServiceEntry entry) {
        if (entry.getService().isEmpty()) {
            throw new IllegalArgumentException("service entry needs a service name (got " + entry + ")");
        }
        String version = versionOf(entry);
        Resource resource = Resource.newBuilder()
                .setName(entry.getService())
                .setVersion(version)
                .setResource(Any.pack(entry))
                .build();
        return new VersionedEntry(entry.getService(), version, resource);
    }

    static String versionOf(ServiceEntry entry) {
        byte[] bytes = new byte[entry.getSerializedSize()];
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.useDeterministicSerialization();
        try {
            entry.writeTo(out);
            out.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen: writing to an array of the exact size
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
