package dev.meshdns.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.core.Resolver;
import dev.meshdns.forward.Forwarder;
import dev.meshdns.forward.RecursionAllow;
import dev.meshdns.forward.ReplySink;
import dev.meshdns.table.LiveTable;
import dev.meshdns.table.NameTable;
import dev.meshdns.table.ServiceVips;
import dev.meshdns.table.ZoneSpec;
import dev.meshdns.vip.Cidr;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * {@link Answerer#forwarding}: which queries reach the forwarder, and what clients outside
 * {@code --recursion-allow} get. The forwarder here only records what it is handed (the upstream
 * side has its own tests against real servers); it answers later, through the client's sink.
 */
class ForwardingAnswererTest {
    private static final NameTable TABLE;

    static {
        try {
            TABLE = LiveTable.build(new ZoneSpec("mesh", 30, Cidr.parse("240.0.0.0/4")),
                    List.of(ServiceEntry.of("backend")),
                    Map.of("backend", ServiceVips.of((Inet4Address) InetAddress.getByName("240.0.0.7")))).table();
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final List<String> forwarded = new ArrayList<>();
    private final Forwarder recording = new Forwarder() {
        @Override
        public int forward(byte[] query, int length, boolean tcp, byte[] cookie, byte[] out,
                           Supplier<ReplySink> later) {
            forwarded.add(question(query, length));
            ReplySink sink = later.get();
            byte[] reply = query.clone();
            reply[2] |= (byte) 0x80;
            reply[3] |= (byte) 0x80; // RA
            sink.reply(reply, length);
            return Forwarder.PENDING;
        }

        @Override
        public void close() {
        }
    };
    private final Answerer answerer = Answerer.forwarding(() -> TABLE, recording,
            RecursionAllow.of(List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("fd00::/8"))));
    private final byte[] out = new byte[Resolver.MAX_REPLY];

    @Test
    void aZoneNameIsAnsweredAtOnceAndNeverForwarded() throws Exception {
        Clients.Recording client = Clients.of(false, InetAddress.getByName("127.0.0.1"));

        int length = answerer.answer(query("backend.mesh."), query("backend.mesh.").length, client, out);

        assertThat(length).isPositive();
        assertThat(forwarded).isEmpty();
        assertThat(client.replies).isEmpty();
    }

    @Test
    void aNameOutsideTheZoneOfAnAllowedClientIsForwardedAndAnsweredLater() throws Exception {
        Clients.Recording client = Clients.of(false, InetAddress.getByName("127.0.0.9"));
        byte[] q = query("example.com.");

        int length = answerer.answer(q, q.length, client, out);

        assertThat(length).isEqualTo(Answerer.LATER);
        assertThat(forwarded).containsExactly("example.com./A");
        assertThat(client.replies).singleElement().satisfies(reply -> assertThat(reply[3] & 0x80).isNotZero());
    }

    @Test
    void anIpv6ClientInsideAnAllowedBlockIsForwarded() throws Exception {
        byte[] q = query("example.com.");

        assertThat(answerer.answer(q, q.length, Clients.of(true, InetAddress.getByName("fd12::1")), out))
                .isEqualTo(Answerer.LATER);
    }

    @Test
    void aClientOutsideRecursionAllowIsRefusedWithoutRecursionAvailable() throws Exception {
        byte[] q = query("example.com.");

        int length = answerer.answer(q, q.length, Clients.of(false, InetAddress.getByName("192.0.2.1")), out);

        Message reply = new Message(java.util.Arrays.copyOf(out, length));
        assertThat(reply.getRcode()).isEqualTo(Rcode.REFUSED);
        assertThat(out[3] & 0x80).as("RA").isZero();
        assertThat(forwarded).isEmpty();
    }

    @Test
    void withoutForwardingANameOutsideTheZoneIsRefused() throws Exception {
        byte[] q = query("example.com.");

        int length = Answerer.resolving(() -> TABLE).answer(q, q.length, Clients.UDP, out);

        assertThat(new Message(java.util.Arrays.copyOf(out, length)).getRcode()).isEqualTo(Rcode.REFUSED);
    }

    private static byte[] query(String name) throws Exception {
        return Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN)).toWire();
    }

    private static String question(byte[] query, int length) {
        try {
            Message m = new Message(java.util.Arrays.copyOf(query, length));
            return m.getQuestion().getName() + "/" + Type.string(m.getQuestion().getType());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
