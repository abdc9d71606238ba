package dev.meshdns.sync;

import static dev.meshdns.sync.FakeAdsServer.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
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
