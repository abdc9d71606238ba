package dev.meshdns.forward;

import static dev.meshdns.forward.Messages.ednsQuery;
import static dev.meshdns.forward.Messages.query;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.forward.Messages.FakeTicker;
import dev.meshdns.forward.Messages.Query;
import dev.meshdns.forward.Messages.Reply;
import dev.meshdns.wire.Wire;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/** A cache hit, lookup and write, allocates nothing per query (issue 9: no more than the reply buffer). */
class AnswerCacheAllocationTest {
    private static final int QUERIES = 100_000;

    @Test
    void hitAllocatesNothingPerQuery() {
        FakeTicker ticker = new FakeTicker();
        AnswerCache cache = new AnswerCache(10_000, Duration.ofHours(1), ticker);
        Query[] queries = {
            Query.udp(query("www.example.com.", Type.A)),
            Query.udp(ednsQuery("WWW.example.COM.", Type.A, 1232, true)),
            Query.tcp(ednsQuery("api.example.org.", Type.AAAA, 4096, false)),
        };
        for (Query q : queries) {
            byte[] reply = Reply.to(q).answer(Messages.record("x.example.net. 300 IN A 192.0.2.1").toString()).wire();
            cache.put(q.wire(), q.state(), reply, reply.length);
        }
        byte[] out = new byte[Wire.MAX_MESSAGE];
        run(cache, queries, out); // class loading, JIT and Caffeine's first buffers happen here
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        run(cache, queries, out);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated / (double) (QUERIES * queries.length)).as("bytes per hit").isLessThan(0.01);
    }

    private static void run(AnswerCache cache, Query[] queries, byte[] out) {
        for (int i = 0; i < QUERIES; i++) {
            for (Query q : queries) {
                CachedAnswer hit = cache.lookup(q.wire(), q.state());
                long now = cache.nowNanos();
                if (hit.write(q.wire(), q.state(), null, out, now, !hit.fresh(now)) <= Wire.HEADER) {
                    throw new AssertionError("empty reply");
                }
            }
        }
    }
}
