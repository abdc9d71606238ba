package dev.meshdns.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.core.Resolver;
import dev.meshdns.forward.FakeUpstream;
import dev.meshdns.forward.ForwardMetrics;
import dev.meshdns.forward.RecursionAllow;
import dev.meshdns.forward.UpstreamForwarder;
import dev.meshdns.table.LiveTable;
import dev.meshdns.table.NameTable;
import dev.meshdns.table.ZoneSpec;
import dev.meshdns.vip.Cidr;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.CookieOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A forwarded name answered from the cache, through the whole per-query path the handlers call
 * (the core's FORWARD decision, the recursion check, the cache lookup and the reply write),
 * allocates nothing: issue 9 allows no more than the reply buffer, which the handler allocates.
 */
class ForwardedHitAllocationIT {
    private static final int QUERIES = 200_000;

    @Test
    void aCacheHitAllocatesNothingOnTheAnsweringThread() throws Exception {
        NameTable table = LiveTable.build(new ZoneSpec("mesh", 30, Cidr.parse("240.0.0.0/4")),
                List.of(ServiceEntry.of("backend")), Map.of()).table();
        try (FakeUpstream upstream = FakeUpstream.start("www.example.com. 300 IN A 192.0.2.10");
             UpstreamForwarder forwarder = new UpstreamForwarder(List.of(upstream.address()), Duration.ofSeconds(2),
                     Duration.ofHours(1), 1000, ForwardMetrics.NONE)) {
            Answerer answerer = DnsTransport.counted(Answerer.forwarding(() -> table, forwarder,
                    RecursionAllow.of(List.of(Cidr.parse("127.0.0.0/8")))), Clients.metrics());
            Message query = Message.newQuery(Record.newRecord(Name.fromString("www.example.com."), Type.A, DClass.IN));
            // With a client cookie: the reply's server cookie is made on the hit path too.
            query.addRecord(new OPTRecord(1232, 0, 0, 0, new CookieOption(new byte[] {1, 2, 3, 4, 5, 6, 7, 8})),
                    Section.ADDITIONAL);
            byte[] wire = query.toWire();
            byte[] out = new byte[Resolver.MAX_REPLY];
            CompletableFuture<Integer> first = new CompletableFuture<>();
            Client warming = new Client() {
                @Override
                public boolean tcp() {
                    return false;
                }

                @Override
                public InetAddress address() {
                    return InetAddress.getLoopbackAddress();
                }

                @Override
                public long arrivalNanos() {
                    return System.nanoTime();
                }

                @Override
                public dev.meshdns.forward.ReplySink get() {
                    return (reply, length) -> first.complete(length);
                }
            };
            assertThat(answerer.answer(wire, wire.length, warming, out)).isEqualTo(Answerer.LATER);
            assertThat(first.get(5, TimeUnit.SECONDS)).isPositive();
            Client hit = Clients.of(false, InetAddress.getLoopbackAddress());
            run(answerer, wire, hit, out); // JIT and the cache's first buffers

            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long before = threads.getCurrentThreadAllocatedBytes();
            run(answerer, wire, hit, out);
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;

            assertThat(allocated / (double) QUERIES).as("bytes per cache hit").isLessThan(0.05);
            assertThat(upstream.queryCount()).as("queries upstream").isEqualTo(1);
        }
    }

    private static void run(Answerer answerer, byte[] wire, Client client, byte[] out) {
        for (int i = 0; i < QUERIES; i++) {
            if (answerer.answer(wire, wire.length, client, out) <= 12) {
                throw new AssertionError("not answered from the cache");
            }
        }
    }
}
