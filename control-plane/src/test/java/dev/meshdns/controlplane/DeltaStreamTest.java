package dev.meshdns.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.sync.v1.ServiceEntry;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a stream remembers the client holds, across ACKs and (un)subscriptions. */
class DeltaStreamTest {
    private final List<DeltaDiscoveryResponse> sent = new ArrayList<>();
    private final DeltaStream stream = new DeltaStream(1, new Recording(sent));

    @Test
    void anAckKeepsEveryHeldVersion() {
        stream.subscribe(request().putAllInitialResourceVersions(Map.of("web", "1", "db", "2")).build());
        stream.subscribe(request().setResponseNonce("1").build());

        assertThat(stream.heldNames()).containsExactlyInAnyOrder("web", "db");
        assertThat(stream.lacks(entry("web"))).isTrue(); // held at version 1, not at its content hash
    }

    @Test
    void anUnsubscribedNameIsForgottenSoNoRemovalIsSentForItLater() {
        stream.subscribe(request().clearResourceNamesSubscribe().addResourceNamesSubscribe("web")
                .addResourceNamesSubscribe("db").putAllInitialResourceVersions(Map.of("web", "1", "db", "2")).build());

        stream.subscribe(request().clearResourceNamesSubscribe().addResourceNamesUnsubscribe("db").build());

        assertThat(stream.heldNames()).containsExactly("web");
    }

    @Test
    void aFirstRequestNamingSomeResourcesForgetsTheOtherHeldOnes() {
        stream.subscribe(request().clearResourceNamesSubscribe().addResourceNamesSubscribe("web")
                .putAllInitialResourceVersions(Map.of("web", "1", "db", "2")).build());

        assertThat(stream.heldNames()).containsExactly("web");
    }

    private static DeltaDiscoveryRequest.Builder request() {
        return DeltaDiscoveryRequest.newBuilder().setTypeUrl(MeshDnsControlPlane.TYPE_URL).addResourceNamesSubscribe("*");
    }

    private static VersionedEntry entry(String service) {
        return VersionedEntry.of(ServiceEntry.newBuilder().setService(service).build());
    }

    /** Records what the stream sends; never cancelled. */
    private static final class Recording extends ServerCallStreamObserver<DeltaDiscoveryResponse> {
        private final List<DeltaDiscoveryResponse> sent;

        Recording(List<DeltaDiscoveryResponse> sent) {
            this.sent = sent;
        }

        @Override
        public void onNext(DeltaDiscoveryResponse value) {
            sent.add(value);
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public void setOnCancelHandler(Runnable onCancelHandler) {
        }

        @Override
        public void setCompression(String compression) {
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setOnReadyHandler(Runnable onReadyHandler) {
        }

        @Override
        public void request(int count) {
        }

        @Override
        public void setMessageCompression(boolean enable) {
        }

        @Override
        public void disableAutoInboundFlowControl() {
        }
    }
}
