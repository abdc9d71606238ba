package dev.meshdns.controlplane;

import com.google.protobuf.Any;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.UnsafeByteOperations;
import dev.meshdns.sync.v1.ServiceEntry;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A service entry ready for the wire: its xDS resource name (the service), its version and the
 * entry's serialized bytes, from which {@link #resource} builds the Envoy {@link Resource} when a
 * stream is sent it. Only the bytes are kept, not the protobuf objects: a mesh-dns serving a
 * million entries holds one small array per entry instead of a Resource, an Any and a ByteString.
 * Immutable (the array is never handed out).
 *
 * <p>The version is derived from the content alone (SHA-256 of the deterministic serialization,
 * first 64 bits in hex), never from a counter: a restarted control plane with the same entries
 * reports the same versions, so a client resuming with {@code initial_resource_versions} is sent
 * nothing it already has.
 */
final class VersionedEntry {
    private final String name;
    /** The version's 64 bits; its text (16 hex digits) is made when it is sent or compared with a client's. */
    private final long version;
    private final byte[] serialized;

    private VersionedEntry(String name, long version, byte[] serialized) {
        this.name = name;
        this.version = version;
        this.serialized = serialized;
    }

    static VersionedEntry of(ServiceEntry entry) {
        if (entry.getService().isEmpty()) {
            throw new IllegalArgumentException("service entry needs a service name (got " + entry + ")");
        }
        byte[] bytes = serialize(entry);
        return new VersionedEntry(entry.getService(), digest(bytes), bytes);
    }

    String name() {
        return name;
    }

    /** The version as sent: 16 lower-case hex digits (a new string each call). */
    String version() {
        return HexFormat.of().toHexDigits(version);
    }

    /** True when both are versions of the same content. */
    boolean sameVersion(VersionedEntry other) {
        return version == other.version;
    }

    /** True when a client's version string names this version. */
    boolean hasVersion(String text) {
        return text != null && text.length() == 16 && text.equals(version());
    }

    /** The resource as sent: a new object each call (it shares the entry's bytes), for one response. */
    Resource resource() {
        return Resource.newBuilder()
                .setName(name)
                .setVersion(version())
                .setResource(Any.newBuilder()
                        .setTypeUrl(MeshDnsControlPlane.TYPE_URL)
                        .setValue(UnsafeByteOperations.unsafeWrap(serialized)))
                .build();
    }

    static String versionOf(ServiceEntry entry) {
        return HexFormat.of().toHexDigits(digest(serialize(entry)));
    }

    /** The first 64 bits of the SHA-256 of the bytes, big-endian: their hex is the version's text. */
    private static long digest(byte[] serialized) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(serialized);
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static byte[] serialize(ServiceEntry entry) {
        byte[] bytes = new byte[entry.getSerializedSize()];
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.useDeterministicSerialization();
        try {
            entry.writeTo(out);
            out.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen: writing to an array of the exact size
        }
        return bytes;
    }

    @Override
    public String toString() {
        return name + "@" + version();
    }
}
