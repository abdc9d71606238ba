package dev.meshdns.core;

import static dev.meshdns.wire.Wire.u16;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.meshdns.catalog.Catalog;
import dev.meshdns.catalog.CatalogException;
import dev.meshdns.catalog.CatalogFile;
import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.table.LiveTable;
import dev.meshdns.table.NameTable;
import dev.meshdns.table.ServiceVips;
import dev.meshdns.table.ZoneSpec;
import dev.meshdns.vip.Cidr;
import dev.meshdns.wire.Wire;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;

/**
 * {@link Resolver#answer} on arbitrary bytes ("Malformed input" of DNS-BEHAVIOR): it never throws,
 * and returns DROP, FORWARD (only for a client that may recurse) or one reply within its size limit
 * that dnsjava reads, with the query's ID. The input's last byte picks TCP, forwarding and the table;
 * the rest is the query. Seeds: {@code ResolverFuzzTestInputs/anyQuery/}.
 */
class ResolverFuzzTest {
    private static final ZoneSpec SPEC = new ZoneSpec("mesh", 30, Cidr.parse("240.0.0.0/4"),
            Cidr.parse("fd00:fd00::/64"), false);
    /** The example catalog, a dual-stack service, one without a VIP and one whose PTR set needs TCP. */
    private static final String CATALOG = """
            services:
              - service: backend
              - service: frontend_kong_svc_80
              - service: httpbin
                hostnames: [httpbin.org]
                vip: 240.0.0.100
              - service: starved
              - service: many
                hostnames: [%s]
            """.formatted(String.join(", ", IntStream.range(0, 40)
            .mapToObj(i -> "name-" + i + ".many.example.com").toList()));
    private static final NameTable LOADED = table();
    private static final NameTable NOT_READY = LiveTable.notReady(SPEC);

    private final byte[] out = new byte[Resolver.MAX_REPLY];

    @FuzzTest(maxDuration = "10m")
    void anyQuery(FuzzedDataProvider data) {
        int flags = data.consumeByte() & 0xff;
        boolean tcp = (flags & 1) != 0;
        boolean recursion = (flags & 2) != 0;
        NameTable table = (flags & 4) != 0 ? NOT_READY : LOADED;
        byte[] query = data.consumeRemainingAsBytes();

        Requester requester = Queries.requester((flags & 8) != 0, Queries.CLIENT, Queries.NOW);
        int length = Resolver.answer(query, query.length, tcp, recursion, table, requester, out);

        boolean dropped = query.length < Wire.HEADER || (query[2] & 0x80) != 0;
        if (length == Resolver.DROP) {
            assertThat(dropped).as("dropped only when short or a response").isTrue();
            return;
        }
        assertThat(dropped).as("a short message or a response is dropped").isFalse();
        if (length == Resolver.FORWARD) {
            assertThat(recursion).as("forwarded only for a client that may recurse").isTrue();
            return;
        }
        assertThat(length).isBetween(Wire.HEADER, tcp ? Wire.MAX_MESSAGE : Wire.UDP_MAX);
        Message reply = parse(Arrays.copyOf(out, length));
        assertThat(reply.getHeader().getID()).as("ID").isEqualTo(u16(query, 0));
        assertThat(out[2] & 0x80).as("QR").isNotZero();
        if (!tcp && reply.getOPT() == null) {
            assertThat(length).as("UDP reply without EDNS").isLessThanOrEqualTo(Wire.UDP_MIN);
        }
        if (!reply.getSection(Section.QUESTION).isEmpty()) {
            assertThat(Arrays.copyOfRange(out, Wire.HEADER, Wire.HEADER + 4))
                    .as("question echoed").isEqualTo(Arrays.copyOfRange(query, Wire.HEADER, Wire.HEADER + 4));
        }
    }

    private static Message parse(byte[] reply) {
        try {
            return new Message(reply);
        } catch (IOException e) {
            throw new AssertionError("reply does not parse: " + e.getMessage() + ": " + Arrays.toString(reply), e);
        }
    }

    private static NameTable table() {
        try {
            Catalog catalog = CatalogFile.parse(CATALOG);
            assertThat(catalog.problems()).isEmpty();
            Map<String, ServiceVips> vips = new HashMap<>();
            int host = 7;
            for (ServiceEntry entry : catalog.entries()) {
                Inet4Address v4 = entry.vip() != null ? entry.vip() : (Inet4Address) address("240.0.0." + host);
                Inet6Address v6 = (Inet6Address) address("fd00:fd00::" + host++);
                vips.put(entry.service(), entry.service().equals("starved")
                        ? new ServiceVips(null, null, "pool 240.0.0.0/30 exhausted", "pool fd00:fd00::/126 exhausted")
                        : new ServiceVips(v4, v6, null, null));
            }
            return LiveTable.build(SPEC, catalog.entries(), vips).table();
        } catch (CatalogException e) {
            throw new AssertionError(e);
        }
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
