package dev.meshdns.forward;

import static dev.meshdns.wire.Wire.u16;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.meshdns.core.Cookies;
import dev.meshdns.core.QueryState;
import dev.meshdns.core.Requester;
import dev.meshdns.core.Resolver;
import dev.meshdns.forward.Messages.FakeTicker;
import dev.meshdns.forward.Messages.Query;
import dev.meshdns.table.LiveTable;
import dev.meshdns.table.NameTable;
import dev.meshdns.table.ZoneSpec;
import dev.meshdns.vip.Cidr;
import dev.meshdns.wire.Wire;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.xbill.DNS.Message;
import org.xbill.DNS.Type;

/**
 * The forwarder's two readers of bytes it did not make. {@link #anyReply}: {@link AnswerCache#put}
 * ({@link ReplyReader}) on an arbitrary upstream reply to one of a few client queries: an
 * IllegalArgumentException (the upstream's failure) or an answer that writes a reply within the
 * client's limit with its ID and question, which dnsjava reads whenever it read the upstream's.
 * {@link #anyForwardedQuery}: an arbitrary query the core forwards is keyed and looked up in the
 * cache ({@link CacheKey}, {@link UpstreamForwarder#state}) without an exception. Seeds: {@code
 * UpstreamReplyFuzzTestInputs/<method>/}.
 */
class UpstreamReplyFuzzTest {
    /** The client queries a reply answers: the input's last byte picks one. */
    private static final List<Query> QUERIES = List.of(
            Query.udp(Messages.query("www.example.com.", Type.A)),
            Query.udp(Messages.ednsQuery("WWW.Example.COM.", Type.AAAA, 1232, true)),
            Query.tcp(Messages.ednsQuery("example.com.", Type.MX, 4096, false)),
            Query.udp(Messages.ednsQuery("nothere.example.com.", Type.A, 512, false)),
            Query.tcp(Messages.query("example.com.", Type.TXT)));
    private static final NameTable TABLE = LiveTable.notReady(new ZoneSpec("mesh", 30, Cidr.parse("240.0.0.0/4")));

    private final FakeTicker ticker = new FakeTicker();
    private final AnswerCache cache = new AnswerCache(100, Duration.ofHours(1), ticker);
    private static final Requester REQUESTER =
            new Requester(Cookies.random(false), () -> 0L).client(InetAddress.getLoopbackAddress());
    private final byte[] out = new byte[Wire.MAX_MESSAGE];

    @FuzzTest(maxDuration = "10m")
    void anyReply(FuzzedDataProvider data) {
        Query query = QUERIES.get((data.consumeByte() & 0xff) % QUERIES.size());
        byte[] reply = data.consumeRemainingAsBytes();
        CachedAnswer answer;
        try {
            answer = cache.put(query.wire(), query.state(), reply, reply.length);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).startsWith("upstream reply: ");
            return;
        }
        for (boolean stale : new boolean[] {false, true}) {
            int length = answer.write(query.wire(), query.state(), Messages.replyCookie(query), out, ticker.read(), stale);
            assertThat(length).isBetween(Wire.HEADER, QueryState.replyLimit(query.state()));
            assertThat(u16(out, 0)).as("ID").isEqualTo(query.id());
            int questionEnd = QueryState.questionEnd(query.state());
            assertThat(Arrays.copyOfRange(out, Wire.HEADER, questionEnd))
                    .isEqualTo(Arrays.copyOfRange(query.wire(), Wire.HEADER, questionEnd));
            if (parses(reply)) {
                assertThat(parses(Arrays.copyOf(out, length)))
                        .as("the client's reply parses as the upstream's did: %s", Arrays.toString(reply)).isTrue();
            }
        }
        ticker.advanceSeconds(7300);
        assertThat(cache.lookup(query.wire(), query.state())).isNull(); // past every lifetime: 1 h TTL cap + 1 h stale
    }

    @FuzzTest(maxDuration = "10m")
    void anyForwardedQuery(FuzzedDataProvider data) {
        boolean tcp = data.consumeBoolean();
        byte[] query = data.consumeRemainingAsBytes();
        if (Resolver.answer(query, query.length, tcp, true, TABLE, REQUESTER, out) != Resolver.FORWARD) {
            return;
        }
        long state = UpstreamForwarder.state(query, query.length, tcp);
        assertThat(QueryState.questionEnd(state)).isBetween(Wire.HEADER + 5, query.length);
        assertThat(cache.lookup(query, state)).isNull();
        assertThat(CacheKey.of(query, state)).isEqualTo(CacheKey.lookupForm().set(query, state));
    }

    private static boolean parses(byte[] wire) {
        try {
            new Message(wire);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
