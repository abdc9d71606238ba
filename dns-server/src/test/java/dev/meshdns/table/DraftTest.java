package dev.meshdns.table;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.vip.Cidr;
import dev.meshdns.wire.Wire;
import org.junit.jupiter.api.Test;

class DraftTest {
    private static final Zone ZONE = new TableRecords(new ZoneSpec("mesh", 30, Cidr.parse("240.0.0.0/4")), true)
            .zone(WireName.of("mesh"), false).zone;

    @Test
    void nodesOfTheSameShapeAnswerTheirOwnRecords() {
        Draft web = new Draft(ZONE, "web");
        web.add(Wire.TYPE_A, new byte[] {1});
        Draft api = new Draft(ZONE, "api");
        api.add(Wire.TYPE_A, new byte[] {2});
        api.add(Wire.TYPE_AAAA, new byte[] {3});

        Node webNode = web.toNode();
        Node apiNode = api.toNode();

        assertThat(webNode.rrset(webNode.indexOf(Wire.TYPE_A))).containsExactly(1);
        assertThat(webNode.indexOf(Wire.TYPE_AAAA)).isEqualTo(-1);
        assertThat(apiNode.rrset(apiNode.indexOf(Wire.TYPE_A))).containsExactly(2);
        assertThat(apiNode.rrset(apiNode.indexOf(Wire.TYPE_AAAA))).containsExactly(3);
        assertThat(apiNode.recordCount(0)).isOne();
    }

    @Test
    void theEmptyNonTerminalsOfAZoneAreOneNode() {
        Node one = new Draft(ZONE, null).toNode();

        assertThat(one.isEmptyNonTerminal()).isTrue();
        assertThat(one.zone()).isSameAs(ZONE);
        assertThat(Draft.emptyNonTerminal(ZONE)).isSameAs(one);
        assertThat(new Draft(ZONE, "web").toNode().isEmptyNonTerminal()).isFalse();
    }
}
