package dev.meshdns.bench;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.meshdns.core.QueryState;
import dev.meshdns.forward.AnswerCache;
import dev.meshdns.forward.CachedAnswer;
import dev.meshdns.table.WireName;
import dev.meshdns.wire.Wire;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The forwarder's answer cache holding N upstream answers: a hit (lookup and write of the
 * client's reply) for one name, and hits cycling through all N names (colder memory).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CacheBenchmark {
    @Param({"10000"})
    int entries;

    AnswerCache cache;
    byte[][] queries;
    long[] states;
    int next;
    final byte[] out = new byte[Wire.MAX_MESSAGE];

    @Setup
    public void setUp() {
        cache = new AnswerCache(entries, Duration.ofHours(1), Ticker.systemTicker());
        queries = new byte[entries][];
        states = new long[entries];
        for (int i = 0; i < entries; i++) {
            queries[i] = query("host-" + i + ".example.com");
            states[i] = QueryState.of(QueryState.ABSENT, queries[i].length, false);
            byte[] reply = reply(queries[i], 0xC0000200 + i);
            cache.put(queries[i], states[i], reply, reply.length);
        }
    }

    @Benchmark
    public int hit() {
        return answer(4242);
    }

    @Benchmark
    public int hitAcrossAllEntries() {
        int i = next;
        next = i + 1 == entries ? 0 : i + 1;
        return answer(i);
    }

    private int answer(int i) {
        byte[] q = queries[i];
        long state = states[i];
        long now = cache.nowNanos();
        CachedAnswer hit = cache.lookup(q, state, now);
        return hit.write(q, state, null, out, now, !hit.fresh(now));
    }

    private static byte[] query(String name) {
        byte[] wire = WireName.of(name);
        return ByteBuffer.allocate(12 + wire.length + 4)
                .putShort((short) 0x1234).putShort((short) 0x0100).putShort((short) 1).putShort((short) 0)
                .putShort((short) 0).putShort((short) 0).put(wire).putShort((short) 1).putShort((short) 1)
                .array();
    }

    /** The upstream's reply: one A record, its owner a pointer to the question. */
    private static byte[] reply(byte[] query, int address) {
        ByteBuffer b = ByteBuffer.allocate(query.length + 16).put(query);
        b.putShort(2, (short) 0x8180).putShort(6, (short) 1);
        return b.putShort((short) 0xC00C).putShort((short) 1).putShort((short) 1).putInt(300)
                .putShort((short) 4).putInt(address).array();
    }
}
