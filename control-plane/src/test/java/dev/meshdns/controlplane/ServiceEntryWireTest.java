package dev.meshdns.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import dev.meshdns.sync.v1.ServiceEntry;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import org.junit.jupiter.api.Test;

class ServiceEntryWireTest {
    private static final ServiceEntry WEB = ServiceEntry.newBuilder()
            .setService("web")
            .addHostnames("web.shop.mesh")
            .setVip("240.0.0.7")
            .setVip6("fd00::7")
            .addPorts(80)
            .addPorts(443)
            .build();

    @Test
    void serviceEntryTravelsAsAnyInsideEnvoyDeltaDiscoveryResponse() throws Exception {
        DeltaDiscoveryResponse sent = DeltaDiscoveryResponse.newBuilder()
                .setTypeUrl("type.googleapis.com/meshdns.v1.ServiceEntry")
                .setNonce("1")
                .addResources(Resource.newBuilder().setName("web").setVersion("v1").setResource(Any.pack(WEB)))
                .build();

        DeltaDiscoveryResponse received = DeltaDiscoveryResponse.parseFrom(sent.toByteArray());

        Any any = received.getResources(0).getResource();
        assertThat(any.getTypeUrl()).isEqualTo("type.googleapis.com/meshdns.v1.ServiceEntry");
        assertThat(any.is(ServiceEntry.class)).isTrue();
        assertThat(any.unpack(ServiceEntry.class)).isEqualTo(WEB);
    }

    @Test
    void unknownFieldsFromANewerControlPlaneAreIgnored() throws Exception {
        byte[] newer = WEB.toBuilder()
                .setUnknownFields(com.google.protobuf.UnknownFieldSet.newBuilder()
                        .addField(99, com.google.protobuf.UnknownFieldSet.Field.newBuilder()
                                .addLengthDelimited(com.google.protobuf.ByteString.copyFromUtf8("future"))
                                .build())
                        .build())
                .build()
                .toByteArray();

        ServiceEntry parsed = ServiceEntry.parseFrom(newer);

        assertThat(parsed.getService()).isEqualTo("web");
        assertThat(parsed.getPortsList()).containsExactly(80, 443);
    }
}
