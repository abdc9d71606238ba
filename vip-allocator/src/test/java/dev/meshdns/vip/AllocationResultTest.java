package dev.meshdns.vip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AllocationResultTest {

    @Test
    void emptyHasNoVipsAndNoFailuresAndCannotBeChanged() throws Exception {
        AllocationResult empty = AllocationResult.empty();

        assertThat(empty.vips()).isEmpty();
        assertThat(empty.failures()).isEmpty();
        assertThat(empty).isEqualTo(new AllocationResult(Map.of(), Map.of()));
        InetAddress vip = InetAddress.getByName("240.0.0.7");
        assertThatThrownBy(() -> empty.vips().put("web", vip)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> empty.failures().put("web", "x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void mapsAreCopiedInTheirOrder() throws Exception {
        Map<String, InetAddress> vips = new LinkedHashMap<>();
        vips.put("web", InetAddress.getByName("240.0.0.7"));
        vips.put("api", InetAddress.getByName("240.0.0.3"));

        AllocationResult result = new AllocationResult(vips, Map.of());
        vips.clear();

        assertThat(result.vips()).containsOnlyKeys("web", "api");
        assertThat(result.vips().keySet()).containsExactly("web", "api");
    }
}
