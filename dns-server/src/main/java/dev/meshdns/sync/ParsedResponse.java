package dev.meshdns.sync;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.meshdns.catalog.ServiceEntries;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A Delta xDS response as the client keeps it: its resources already checked into entries (or
 * the problems that refuse them), and no protobuf object left. {@link #MARSHALLER} reads it off
 * the wire one resource at a time, so a response of 11,000 resources is never a tree of 11,000
 * protobuf messages that a young collection catches alive and copies into the old generation (at
 * a million entries that was about 200 MB of garbage promoted during the first sync). Immutable.
 *
 * @param entries  the valid resources, in the order sent
 * @param problems one per refused resource, naming it, in the order sent
 * @param removed  the names of the removed resources, in the order sent
 */
record ParsedResponse(String typeUrl, String nonce, List<SyncedEntry> entries, List<String> problems,
                      List<String> removed) {

    /** Reads responses for a client only: it never writes one. */
    static final MethodDescriptor.Marshaller<ParsedResponse> MARSHALLER = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(ParsedResponse response) {
            throw new UnsupportedOperationException("a client reads responses, it never sends one");
        }

        @Override
        public ParsedResponse parse(InputStream stream) {
            try {
                return read(CodedInputStream.newInstance(stream));
            } catch (IOException e) {
                // As gRPC's own protobuf marshaller fails: the call ends with INTERNAL.
                throw Status.INTERNAL.withDescription("invalid DeltaDiscoveryResponse: " + e.getMessage())
                        .withCause(e).asRuntimeException();
            }
        }
    };

    private static final int RESOURCES = tag(DeltaDiscoveryResponse.RESOURCES_FIELD_NUMBER);
    private static final int TYPE_URL = tag(DeltaDiscoveryResponse.TYPE_URL_FIELD_NUMBER);
    private static final int NONCE = tag(DeltaDiscoveryResponse.NONCE_FIELD_NUMBER);
    private static final int REMOVED = tag(DeltaDiscoveryResponse.REMOVED_RESOURCES_FIELD_NUMBER);
    private static final int RESOURCE_NAME = tag(Resource.NAME_FIELD_NUMBER);
    private static final int RESOURCE_VERSION = tag(Resource.VERSION_FIELD_NUMBER);
    private static final int RESOURCE_BODY = tag(Resource.RESOURCE_FIELD_NUMBER);
    private static final int ANY_TYPE_URL = tag(Any.TYPE_URL_FIELD_NUMBER);
    private static final int ANY_VALUE = tag(Any.VALUE_FIELD_NUMBER);

    /** The same as {@link #MARSHALLER} reads from this message's bytes. */
    static ParsedResponse of(DeltaDiscoveryResponse response) {
        Reader reader = new Reader();
        response.getResourcesList().forEach(reader::add);
        return reader.done(response.getTypeUrl(), response.getNonce(), response.getRemovedResourcesList());
    }

    /**
     * Field by field as the generated parser does (a field of the wrong wire type or unknown is
     * skipped), each resource parsed, checked and dropped before the next.
     */
    private static ParsedResponse read(CodedInputStream in) throws IOException {
        Reader reader = new Reader();
        String typeUrl = "";
        String nonce = "";
        List<String> removed = new ArrayList<>();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (tag == RESOURCES) {
                int limit = in.pushLimit(in.readRawVarint32());
                readResource(in, reader);
                in.popLimit(limit);
            } else if (tag == TYPE_URL) {
                typeUrl = in.readStringRequireUtf8();
            } else if (tag == NONCE) {
                nonce = in.readStringRequireUtf8();
            } else if (tag == REMOVED) {
                removed.add(in.readStringRequireUtf8());
            } else if (!in.skipField(tag)) {
                break; // an end-group tag: the generated parser stops there too
            }
        }
        return reader.done(typeUrl, nonce, removed);
    }

    /**
     * One {@code Resource}, its fields read as its generated parser reads them (its {@code Any} body
     * merged when it comes twice; other fields skipped), without building it: the builders of a
     * resource and its body were 600 MB of garbage in a million-entry sync.
     */
    private static void readResource(CodedInputStream in, Reader reader) throws IOException {
        String name = "";
        String version = "";
        boolean hasBody = false;
        String typeUrl = "";
        ByteString value = ByteString.EMPTY;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (tag == RESOURCE_NAME) {
                name = in.readStringRequireUtf8();
            } else if (tag == RESOURCE_VERSION) {
                version = in.readStringRequireUtf8();
            } else if (tag == RESOURCE_BODY) {
                hasBody = true;
                int limit = in.pushLimit(in.readRawVarint32());
                for (int bodyTag = in.readTag(); bodyTag != 0; bodyTag = in.readTag()) {
                    if (bodyTag == ANY_TYPE_URL) {
                        typeUrl = in.readStringRequireUtf8();
                    } else if (bodyTag == ANY_VALUE) {
                        value = in.readBytes();
                    } else if (!in.skipField(bodyTag)) {
                        break;
                    }
                }
                in.checkLastTagWas(0); // an end-group tag inside a message: protobuf refuses it too
                in.popLimit(limit);
            } else if (!in.skipField(tag)) {
                break;
            }
        }
        in.checkLastTagWas(0);
        reader.add(name, version, hasBody ? typeUrl : null, value);
    }

    /** The tag of a length-delimited field (a string, bytes or a message). */
    private static int tag(int field) {
        return field << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;
    }

    /** Checks resources one by one into entries and problems. */
    private static final class Reader {
        private final List<SyncedEntry> entries = new ArrayList<>();
        private final List<String> problems = new ArrayList<>();

        void add(Resource resource) {
            add(resource.getName(), resource.getVersion(),
                    resource.hasResource() ? resource.getResource().getTypeUrl() : null, resource.getResource().getValue());
        }

        /** {@code typeUrl} null when the resource has no body. */
        void add(String name, String version, String typeUrl, ByteString value) {
            ServiceEntries.Checked checked = ServiceEntryResource.check(name, typeUrl, value);
            if (checked.isValid()) {
                // The name is the service's (checked): held once, not twice, when it is in lower case.
                String service = checked.entry().service();
                entries.add(new SyncedEntry(name.equals(service) ? service : name, version, checked.entry()));
            } else {
                problems.addAll(checked.problems());
            }
        }

        ParsedResponse done(String typeUrl, String nonce, List<String> removed) {
            return new ParsedResponse(typeUrl, nonce, List.copyOf(entries), List.copyOf(problems),
                    List.copyOf(removed));
        }
    }
}
