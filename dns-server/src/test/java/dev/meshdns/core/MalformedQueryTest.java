package dev.meshdns.core;

import static dev.meshdns.core.MessageAssert.assertThatReply;
import static dev.meshdns.core.Queries.query;
import static dev.meshdns.core.Queries.udp;
import static dev.meshdns.core.ResolverTest.TABLE;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

class MalformedQueryTest {
    private static final Requester REQUESTER = Queries.requester(true, Queries.CLIENT, Queries.NOW);


    @Test
    void shorterThanAHeaderIsDropped() {
        assertThat(udp(TABLE, new byte[11])).isNull();
        assertThat(udp(TABLE, new byte[0])).isNull();
    }

    @Test
    void aResponseIsAlwaysDropped() {
        byte[] q = query("backend.mesh.", Type.A);
        q[2] |= (byte) 0x80;
        assertThat(udp(TABLE, q)).isNull();
    }

    @Test
    void questionCountOtherThanOneIsFormerrWithIdKept() {
        byte[] q = query("backend.mesh.", Type.A);
        q[5] = 0;
        assertFormerr(q);
        q[5] = 2;
        assertFormerr(q);
    }

    @Test
    void answerOrAuthorityRecordsInAQueryAreFormerr() {
        byte[] q = query("backend.mesh.", Type.A);
        q[7] = 1;
        assertFormerr(q);
        q[7] = 0;
        q[9] = 1;
        assertFormerr(q);
    }

    @Test
    void truncatedQuestionIsFormerr() {
        byte[] q = query("backend.mesh.", Type.A);
        assertFormerr(Arrays.copyOf(q, q.length - 2));
        assertFormerr(Arrays.copyOf(q, 16));
    }

    @Test
    void labelLongerThan63IsFormerr() {
        byte[] q = query("backend.mesh.", Type.A);
        q[12] = 0x40;
        assertFormerr(q);
    }

    @Test
    void nameLongerThan255BytesIsFormerr() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0});
        for (int i = 0; i < 5; i++) {
            out.write(60);
            out.writeBytes(new byte[60]);
        }
        out.writeBytes(new byte[] {0, 0, 1, 0, 1});
        assertFormerr(out.toByteArray());
    }

    @Test
    void compressionPointerInTheQuestionIsFormerr() {
        byte[] q = {0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xC0, 12, 0, 1, 0, 1};
        assertFormerr(q);
    }

    @Test
    void forwardPointerInTheAdditionalSectionIsFormerr() {
        byte[] q = query("backend.mesh.", Type.A);
        byte[] extra = {(byte) 0xC0, (byte) (q.length + 4), 0, 1, 0, 1, 0, 0, 0, 0, 0, 0};
        byte[] all = EdnsTest.concat(q, extra);
        all[11] = 1;
        assertThatReply(udp(TABLE, all)).hasRcode(Rcode.FORMERR);
    }

    @Test
    void randomBytesNeverThrow() {
        Random random = new Random(42);
        byte[] out = new byte[Resolver.MAX_REPLY];
        byte[] valid = query("frontend.kong.svc.80.mesh.", Type.A);
        for (int i = 0; i < 200_000; i++) {
            byte[] q;
            if (random.nextBoolean()) {
                q = new byte[random.nextInt(64)];
                random.nextBytes(q);
            } else {
                q = valid.clone();
                for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                    q[random.nextInt(q.length)] = (byte) random.nextInt(256);
                }
            }
            boolean tcp = random.nextBoolean();
            int len = Resolver.answer(q, q.length, tcp, random.nextBoolean(), TABLE, REQUESTER, out);
            assertThat(len).isBetween(Resolver.FORWARD, Resolver.MAX_REPLY);
        }
    }

    private static void assertFormerr(byte[] q) {
        byte[] reply = udp(TABLE, q);
        assertThat(reply).hasSize(12);
        assertThat(reply[3] & 0x0f).isEqualTo(Rcode.FORMERR);
        assertThat(Arrays.copyOf(reply, 2)).isEqualTo(Arrays.copyOf(q, 2));
    }
}
