package dev.meshdns.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.Code;
import dev.meshdns.catalog.DnsNames;
import dev.meshdns.catalog.ServiceEntries;
import dev.meshdns.catalog.ServiceEntry;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a control plane sends, validated. {@link #anyResourceValue}: arbitrary bytes as the {@code
 * Any} value of a resource ({@link ServiceEntryResource#check}) give a valid entry of the resource's
 * name or a NACK reason naming the resource, never an exception. {@link #anyResponse}: arbitrary
 * bytes read as a response ({@link ParsedResponse#MARSHALLER}) give what protobuf's parse of the whole
 * message gives, or end the call with INTERNAL; applied twice to the held resources ({@link
 * HeldResources#apply}) they leave one entry per held resource, each that resource's service. Seeds: {@code
 * ServiceEntryResourceFuzzTestInputs/<method>/}.
 */
class ServiceEntryResourceFuzzTest {
    private static final List<String> NAMES = List.of("backend", "Frontend_Kong_Svc_80", "other", "");

    @FuzzTest(maxDuration = "10m")
    void anyResourceValue(FuzzedDataProvider data) {
        int pick = data.consumeByte() & 0xff;
        String name = NAMES.get(pick % NAMES.size());
        String typeUrl = (pick & 0x10) != 0 ? "type.googleapis.com/envoy.config.cluster.v3.Cluster"
                : ServiceEntryResource.TYPE_URL;
        Resource resource = Resource.newBuilder().setName(name).setVersion("1")
                .setResource(Any.newBuilder().setTypeUrl(typeUrl).setValue(ByteString.copyFrom(data.consumeRemainingAsBytes())))
                .build();

        ServiceEntries.Checked checked = ServiceEntryResource.check(resource);

        if (checked.isValid()) {
            assertThat(checked.entry().service()).isEqualTo(name.toLowerCase(Locale.ROOT));
            assertThat(checked.problems()).isEmpty();
            checked.entry().hostnames().forEach(h -> assertThat(DnsNames.nameProblem(h)).as(h).isEmpty());
        } else {
            assertThat(checked.problems()).isNotEmpty().allSatisfy(p -> assertThat(p).startsWith("resource \"" + name + "\" "));
            DeltaDiscoveryRequest nack = Acks.reply(new ParsedResponse("", "n", List.of(), List.of(), List.of()),
                    checked.problems());
            assertThat(nack.getErrorDetail().getCode()).isEqualTo(Code.INVALID_ARGUMENT_VALUE);
            assertThat(nack.getResponseNonce()).isEqualTo("n");
        }
    }

    @FuzzTest(maxDuration = "10m")
    void anyResponse(FuzzedDataProvider data) {
        byte[] bytes = data.consumeRemainingAsBytes();
        ParsedResponse response;
        try {
            response = ParsedResponse.MARSHALLER.parse(new ByteArrayInputStream(bytes));
        } catch (StatusRuntimeException e) {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
            assertThatThrownBy(() -> DeltaDiscoveryResponse.parseFrom(bytes)).as("refused, yet protobuf parses it")
                    .isInstanceOf(InvalidProtocolBufferException.class);
            return; // the call ends with INTERNAL, as with gRPC's own marshaller
        }
        try {
            // Read field by field, it is what the whole message gives (protobuf may refuse more: a field skipped here).
            assertThat(response).isEqualTo(ParsedResponse.of(DeltaDiscoveryResponse.parseFrom(bytes)));
        } catch (InvalidProtocolBufferException e) {
            // e.g. bad UTF-8 in system_version_info, which the client never reads
        }
        HeldResources held = new HeldResources();
        for (int round = 0; round < 2; round++) {
            HeldResources.Applied applied = held.apply(response);
            assertThat(applied.problems()).allSatisfy(p -> assertThat(p).startsWith("resource \""));
            assertThat(held.entries()).extracting(ServiceEntry::service).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(held.all().stream().map(e -> e.entry().service())
                            .collect(Collectors.toList()));
            assertThat(held.size()).isEqualTo(held.entries().size());
        }
    }
}
