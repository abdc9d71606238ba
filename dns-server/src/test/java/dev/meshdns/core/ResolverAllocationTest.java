package dev.meshdns.core;

import static dev.meshdns.core.Queries.query;
import static dev.meshdns.core.ResolverTest.TABLE;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/** The answering core allocates nothing per query, hit or miss (ARCHITECTURE.md, hot path). */
class ResolverAllocationTest {
    private static final int QUERIES = 100_000;

    @Test
    void answeringAllocatesNothingPerQuery() {
        byte[][] queries = {
            query("frontend.kong.svc.80.mesh.", Type.A),
            query("BACKEND.mesh.", Type.AAAA),
            query("nope-1.ns-1.svc.80.mesh.", Type.A),
            EdnsTest.withCookie(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}),
            EdnsTest.withCookie(HexFormat.of().parseHex("2464c4abcf10c957010000005cf79f111f8130c3eee29480")),
            query("example.com.", Type.A),
        };
        byte[] out = new byte[Resolver.MAX_REPLY];
        Requester requester = Queries.requester(true, Queries.CLIENT, Queries.NOW);
        run(queries, requester, out); // class loading and first-call work happen here
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        run(queries, requester, out);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated / (double) (QUERIES * queries.length)).as("bytes per query").isLessThan(0.01);
    }

    private static void run(byte[][] queries, Requester requester, byte[] out) {
        for (int i = 0; i < QUERIES; i++) {
            for (byte[] q : queries) {
                Resolver.answer(q, q.length, false, false, TABLE, requester.client(Queries.CLIENT), out);
            }
        }
    }
}
