package dev.meshdns.forward;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class UpstreamQueryTest {

    @Test
    void upstreamQueryCarriesTheClientsQuestionAsSentWithRdTheClientsCdAndDo() throws IOException {
        Message client = query("WwW.Example.", Type.AAAA);
        client.getHeader().unsetFlag(Flags.RD);
        client.getHeader().setFlag(Flags.CD);
        client.addRecord(new OPTRecord(4096, 0, 0, Flags.DO), Section.ADDITIONAL);
        byte[] wire = client.toWire();

        Message sent = new Message(UpstreamQuery.of(wire, UpstreamForwarder.state(wire, wire.length, false)));

        assertThat(sent.getQuestion().getName().toString()).isEqualTo("WwW.Example.");
        assertThat(sent.getQuestion().getType()).isEqualTo(Type.AAAA);
        assertThat(sent.getHeader().getFlag(Flags.RD)).as("RD").isTrue();
        assertThat(sent.getHeader().getFlag(Flags.CD)).as("CD").isTrue();
        assertThat(sent.getHeader().getFlag(Flags.QR)).as("QR").isFalse();
        assertThat(sent.getOPT().getPayloadSize()).isEqualTo(1232);
        assertThat(sent.getOPT().getFlags() & Flags.DO).as("DO").isEqualTo(Flags.DO);
        assertThat(sent.getSection(Section.ADDITIONAL)).hasSize(1);
    }

    @Test
    void withoutDoFromTheClientTheOptHasNoDo() throws IOException {
        byte[] wire = query("www.example.", Type.A).toWire();

        Message sent = new Message(UpstreamQuery.of(wire, UpstreamForwarder.state(wire, wire.length, false)));

        assertThat(sent.getOPT().getFlags() & Flags.DO).isZero();
        assertThat(sent.getHeader().getFlag(Flags.CD)).isFalse();
    }

    @Test
    void eachQueryHasAFreshRandomId() throws IOException {
        byte[] wire = query("www.example.", Type.A).toWire();
        long state = UpstreamForwarder.state(wire, wire.length, false);
        Set<Integer> ids = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            ids.add(new Message(UpstreamQuery.of(wire, state)).getHeader().getID());
        }
        assertThat(ids).as("100 draws from 65536").hasSizeGreaterThan(95);
    }

    @Test
    void replyAnswersWhenIdQrAndQuestionMatchWithTheNameInAnyCase() throws IOException {
        byte[] sent = sent("www.example.", Type.A);

        assertThat(answers(sent, reply(sent, "WWW.EXAMPLE.", Type.A, 0))).isTrue();
    }

    @Test
    void replyWithAnotherIdIsNotAnAnswer() throws IOException {
        byte[] sent = sent("www.example.", Type.A);

        assertThat(answers(sent, reply(sent, "www.example.", Type.A, 1))).isFalse();
    }

    @Test
    void replyForAnotherNameOrTypeIsNotAnAnswer() throws IOException {
        byte[] sent = sent("www.example.", Type.A);

        assertThat(answers(sent, reply(sent, "www.exbmple.", Type.A, 0))).isFalse();
        assertThat(answers(sent, reply(sent, "www.example.", Type.AAAA, 0))).isFalse();
        assertThat(answers(sent, reply(sent, "www.example.com.", Type.A, 0))).isFalse();
    }

    @Test
    void queryEchoedBackWithoutQrIsNotAnAnswer() throws IOException {
        byte[] sent = sent("www.example.", Type.A);

        assertThat(answers(sent, sent.clone())).isFalse();
    }

    @Test
    void shortReplyIsNotAnAnswer() throws IOException {
        byte[] sent = sent("www.example.", Type.A);
        byte[] reply = reply(sent, "www.example.", Type.A, 0);

        assertThat(UpstreamQuery.answers(sent, UpstreamQuery.questionEnd(sent), Arrays.copyOf(reply, 20), 20)).isFalse();
    }

    @Test
    void probeIsRootNsWithRd() throws IOException {
        Message probe = new Message(UpstreamQuery.probe());

        assertThat(probe.getQuestion().getName()).isEqualTo(Name.root);
        assertThat(probe.getQuestion().getType()).isEqualTo(Type.NS);
        assertThat(probe.getHeader().getFlag(Flags.RD)).isTrue();
    }

    private static Message query(String name, int type) throws IOException {
        return Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
    }

    private static byte[] sent(String name, int type) throws IOException {
        byte[] wire = query(name, type).toWire();
        return UpstreamQuery.of(wire, UpstreamForwarder.state(wire, wire.length, false));
    }

    private static byte[] reply(byte[] sent, String name, int type, int idDelta) throws IOException {
        Message reply = new Message((new Message(sent).getHeader().getID() + idDelta) & 0xffff);
        reply.getHeader().setFlag(Flags.QR);
        reply.addRecord(Record.newRecord(Name.fromString(name), type, DClass.IN), Section.QUESTION);
        return reply.toWire();
    }

    private static boolean answers(byte[] sent, byte[] reply) {
        return UpstreamQuery.answers(sent, UpstreamQuery.questionEnd(sent), reply, reply.length);
    }
}
