package dev.meshdns.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.admin.Metrics;
import dev.meshdns.core.Resolver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class RateLimitingAnswererTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Metrics metrics = new Metrics(registry);
    private final byte[] out = new byte[Resolver.MAX_REPLY];

    @Test
    void aSlippedReplyKeepsHeaderQuestionAndOptWithTcSet() throws Exception {
        byte[] reply = reply(true);
        Answerer limited = Answerer.rateLimited(replying(reply), new ResponseRateLimiter(1, 1, 16), metrics);

        limited.answer(new byte[12], 12, Clients.UDP, out);
        int length = limited.answer(new byte[12], 12, Clients.UDP, out);

        Message slipped = new Message(Arrays.copyOf(out, length));
        Message original = new Message(reply);
        assertThat(slipped.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(slipped.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(slipped.getHeader().getID()).isEqualTo(original.getHeader().getID());
        assertThat(slipped.getQuestion()).isEqualTo(original.getQuestion());
        assertThat(slipped.getSection(Section.ANSWER)).isEmpty();
        assertThat(slipped.getSection(Section.AUTHORITY)).isEmpty();
        assertThat(slipped.getOPT()).isNotNull();
        assertThat(slipped.getOPT().getPayloadSize()).isEqualTo(1232);
        assertThat(Clients.count(registry, "meshdns.dns.rrl.limited", "action", "slipped")).isEqualTo(1.0);
    }

    @Test
    void aSlippedReplyWithoutOptIsHeaderAndQuestionOnly() throws Exception {
        byte[] reply = reply(false);
        int length = RateLimitingAnswerer.truncated(reply, reply.length);

        Message slipped = new Message(Arrays.copyOf(reply, length));
        assertThat(slipped.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(slipped.getQuestion().getName()).isEqualTo(Name.fromString("Web.Mesh."));
        assertThat(slipped.getOPT()).isNull();
        assertThat(slipped.getSection(Section.ANSWER)).isEmpty();
    }

    @Test
    void aDroppedReplyIsSuppressedAndCounted() throws Exception {
        Answerer limited = Answerer.rateLimited(replying(reply(true)), new ResponseRateLimiter(1, 0, 16), metrics);
        limited.answer(new byte[12], 12, Clients.UDP, out);

        assertThat(limited.answer(new byte[12], 12, Clients.UDP, out)).isEqualTo(Answerer.SUPPRESSED);
        assertThat(Clients.count(registry, "meshdns.dns.rrl.limited", "action", "dropped")).isEqualTo(1.0);
    }

    @Test
    void tcpRepliesAreNeverLimited() throws Exception {
        byte[] reply = reply(true);
        Answerer limited = Answerer.rateLimited(replying(reply), new ResponseRateLimiter(1, 0, 16), metrics);

        for (int i = 0; i < 5; i++) {
            assertThat(limited.answer(new byte[12], 12, Clients.TCP, out)).isEqualTo(reply.length);
        }
    }

    @Test
    void queriesWithoutAReplyTakeNoToken() throws Exception {
        byte[] reply = reply(true);
        int[] calls = {0};
        Answerer sometimes = (query, length, client, into) -> ++calls[0] <= 3 ? Resolver.DROP
                : replying(reply).answer(query, length, client, into);
        Answerer limited = Answerer.rateLimited(sometimes, new ResponseRateLimiter(1, 0, 16), metrics);
        for (int i = 0; i < 3; i++) {
            assertThat(limited.answer(new byte[12], 12, Clients.UDP, out)).isEqualTo(Resolver.DROP);
        }

        assertThat(limited.answer(new byte[12], 12, Clients.UDP, out)).isEqualTo(reply.length);
    }

    /** An authoritative reply for Web.Mesh. A with one answer and one authority record, and an OPT if asked. */
    private static byte[] reply(boolean opt) throws Exception {
        Message message = Message.newQuery(Record.newRecord(Name.fromString("Web.Mesh."), Type.A, DClass.IN));
        message.getHeader().setFlag(Flags.QR);
        message.getHeader().setFlag(Flags.AA);
        message.addRecord(new ARecord(Name.fromString("Web.Mesh."), DClass.IN, 30,
                InetAddress.getByName("240.0.0.7")), Section.ANSWER);
        message.addRecord(new ARecord(Name.fromString("ns.mesh."), DClass.IN, 30,
                InetAddress.getByName("240.0.0.8")), Section.AUTHORITY);
        if (opt) {
            message.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
        }
        return message.toWire();
    }

    private static Answerer replying(byte[] reply) {
        return (query, length, client, into) -> {
            System.arraycopy(reply, 0, into, 0, reply.length);
            return reply.length;
        };
    }
}
