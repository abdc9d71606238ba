package dev.meshdns.sync;

import static dev.meshdns.sync.FakeAdsServer.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.UnknownFieldSet;
import io.envoyproxy.envoy.config.core.v3.ControlPlane;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A Delta xDS response read off the wire one resource at a time is what the whole message gives. */
class ParsedResponseTest {

    private static ParsedResponse read(byte[] bytes) {
        return ParsedResponse.MARSHALLER.parse(new ByteArrayInputStream(bytes));
    }

    @Test
    void readsEveryFieldTheClientUsesAndSkipsTheRest() {
        DeltaDiscoveryResponse response = DeltaDiscoveryResponse.newBuilder()
                .setSystemVersionInfo("v7")
                .addResources(resource("backend", "1", "api.example.com"))
                .addResources(Resource.newBuilder().setName("broken").setVersion("2")
                        .setResource(Any.newBuilder().setTypeUrl(ServiceEntryResource.TYPE_URL)
                                .setValue(ByteString.copyFromUtf8("\u00ff not a message"))))
                .addResources(resource("Web", "3", "web.example.com"))
                .setTypeUrl(ServiceEntryResource.TYPE_URL)
                .setNonce("n-42")
                .addRemovedResources("old")
                .addRemovedResources("older")
                .setControlPlane(ControlPlane.newBuilder().setIdentifier("cp-1"))
                .setUnknownFields(UnknownFieldSet.newBuilder()
                        .addField(99, UnknownFieldSet.Field.newBuilder().addVarint(5).build()).build())
                .build();

        ParsedResponse parsed = read(response.toByteArray());

        assertThat(parsed).isEqualTo(ParsedResponse.of(response));
        assertThat(parsed.typeUrl()).isEqualTo(ServiceEntryResource.TYPE_URL);
        assertThat(parsed.nonce()).isEqualTo("n-42");
        assertThat(parsed.entries()).extracting(SyncedEntry::name, SyncedEntry::version)
                .containsExactly(tuple("backend", "1"),
                        tuple("Web", "3"));
        assertThat(parsed.entries().get(1).entry().service()).isEqualTo("web");
        assertThat(parsed.problems()).singleElement().asString().startsWith("resource \"broken\" does not parse");
        assertThat(parsed.removed()).containsExactly("old", "older");
    }

    @Test
    void aResourceIsReadAsProtobufReadsItWhateverElseItCarries() throws Exception {
        Any body = resource("backend", "1", "api.example.com").getResource();
        Resource full = Resource.newBuilder().setVersion("9").setName("backend").addAliases("alias")
                .setTtl(com.google.protobuf.Duration.newBuilder().setSeconds(30))
                .setResource(body.toBuilder().setUnknownFields(UnknownFieldSet.newBuilder()
                        .addField(7, UnknownFieldSet.Field.newBuilder().addFixed32(1).build()).build()))
                .setUnknownFields(UnknownFieldSet.newBuilder()
                        .addField(99, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8("x")).build())
                        .build())
                .build();
        // The body again with its value only: protobuf merges it into the first (the type URL stays).
        Any otherValue = resource("backend", "1", "other.example.com").getResource();
        byte[] twice = concat(full.toByteArray(),
                Resource.newBuilder().setResource(Any.newBuilder().setValue(otherValue.getValue())).build().toByteArray());
        // A string field sent as a varint is an unknown field to protobuf, skipped.
        byte[] wrongWireType = concat(new byte[] {0x18, 0x05}, Resource.newBuilder().setName("web").setVersion("2")
                .setResource(resource("web", "2", "web.example.com").getResource()).build().toByteArray());
        byte[] noBody = Resource.newBuilder().setName("nobody").setVersion("3").build().toByteArray();
        byte[] response = concat(resources(full.toByteArray()), resources(twice), resources(wrongWireType), resources(noBody));

        ParsedResponse parsed = read(response);

        assertThat(parsed).isEqualTo(ParsedResponse.of(DeltaDiscoveryResponse.parseFrom(response)));
        assertThat(parsed.entries()).extracting(e -> e.name() + " " + e.version() + " " + e.entry().hostnames())
                .containsExactly("backend 9 [api.example.com]", "backend 9 [other.example.com]", "web 2 [web.example.com]");
        assertThat(parsed.problems()).containsExactly("resource \"nobody\" has no resource body");
    }

    @Test
    void anEndGroupTagInsideAResourceEndsTheCallAsProtobufRefusesIt() {
        byte[] inResource = resources(concat(new byte[] {0x0c}, resource("backend", "1", "a.example.com").toByteArray()));
        byte[] inBody = resources(new byte[] {0x0a, 0x01, 0x62, 0x12, 0x01, 0x0c});

        for (byte[] response : List.of(inResource, inBody)) {
            assertThatThrownBy(() -> DeltaDiscoveryResponse.parseFrom(response)).as("protobuf");
            assertThatThrownBy(() -> read(response)).isInstanceOfSatisfying(StatusRuntimeException.class,
                    e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL));
        }
    }

    /** One entry of the response's {@code resources} field, these bytes its message. */
    private static byte[] resources(byte[] resource) {
        ByteString.Output out = ByteString.newOutput();
        try {
            CodedOutputStream coded = CodedOutputStream.newInstance(out);
            coded.writeByteArray(DeltaDiscoveryResponse.RESOURCES_FIELD_NUMBER, resource);
            coded.flush();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteString().toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    @Test
    void anEmptyResponseHasNoTypeNoNonceAndNothingInIt() {
        assertThat(read(new byte[0])).isEqualTo(new ParsedResponse("", "", List.of(), List.of(), List.of()));
    }

    @Test
    void aCutResponseEndsTheCallWithInternalAsGrpcsOwnParserDoes() {
        byte[] whole = DeltaDiscoveryResponse.newBuilder().addResources(resource("backend", "1", "api.example.com"))
                .setNonce("n").build().toByteArray();

        assertThatThrownBy(() -> read(Arrays.copyOf(whole, whole.length / 2)))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL))
                .hasMessageContaining("invalid DeltaDiscoveryResponse");
    }
}
