package dev.meshdns.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.meshdns.sync.v1.ServiceEntry;
import org.junit.jupiter.api.Test;

class VersionedEntryTest {
    private static final ServiceEntry WEB = ServiceEntry.newBuilder()
            .setService("web").addHostnames("web.shop.mesh").setVip("240.0.0.7").addPorts(80).build();

    @Test
    void versionIsTheSameForTheSameContent() {
        assertThat(VersionedEntry.of(WEB).version())
                .isEqualTo(VersionedEntry.of(WEB.toBuilder().build()).version())
                .hasSize(16)
                .matches("[0-9a-f]{16}");
    }

    @Test
    void versionChangesWithAnyField() {
        String version = VersionedEntry.of(WEB).version();

        assertThat(VersionedEntry.of(WEB.toBuilder().setVip6("fd00::7").build()).version()).isNotEqualTo(version);
        assertThat(VersionedEntry.of(WEB.toBuilder().addPorts(443).build()).version()).isNotEqualTo(version);
    }

    @Test
    void resourceIsNamedByTheServiceAndCarriesTheEntryAsAny() throws Exception {
        VersionedEntry entry = VersionedEntry.of(WEB);

        assertThat(entry.resource().getName()).isEqualTo("web");
        assertThat(entry.resource().getVersion()).isEqualTo(entry.version());
        assertThat(entry.resource().getResource().getTypeUrl()).isEqualTo(MeshDnsControlPlane.TYPE_URL);
        assertThat(entry.resource().getResource().unpack(ServiceEntry.class)).isEqualTo(WEB);
    }

    @Test
    void entryWithoutServiceNameIsRejected() {
        assertThatThrownBy(() -> VersionedEntry.of(ServiceEntry.newBuilder().setVip("240.0.0.7").build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs a service name");
    }
}
