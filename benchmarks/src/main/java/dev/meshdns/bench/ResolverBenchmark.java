package dev.meshdns.bench;

import dev.meshdns.catalog.ServiceEntry;
import dev.meshdns.core.Cookies;
import dev.meshdns.core.Requester;
import dev.meshdns.core.Resolver;
import dev.meshdns.table.LiveTable;
import dev.meshdns.table.NameTable;
import dev.meshdns.table.ServiceVips;
import dev.meshdns.table.WireName;
import dev.meshdns.table.ZoneSpec;
import dev.meshdns.vip.Cidr;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * The answering core on a table of N Kubernetes-style services: a hit (A of the
 * {@code name.namespace.svc.port.mesh} form), a miss in the zone (NXDOMAIN), and a table build.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ResolverBenchmark {
    @Param({"10000"})
    int services;

    NameTable table;
    List<ServiceEntry> entries;
    Map<String, ServiceVips> vips;
    ZoneSpec spec;
    byte[] hit;
    byte[] miss;
    final byte[] out = new byte[Resolver.MAX_REPLY];
    final Requester requester = new Requester(Cookies.random(false), () -> System.currentTimeMillis() / 1000)
            .client(InetAddress.getLoopbackAddress());

    @Setup
    public void setUp() throws UnknownHostException {
        spec = new ZoneSpec("mesh", 30, Cidr.parse("240.0.0.0/4"));
        entries = new ArrayList<>();
        vips = new HashMap<>();
        for (int i = 0; i < services; i++) {
            String tag = "svc-" + i + "_ns-" + (i % 50) + "_svc_80";
            entries.add(ServiceEntry.of(tag));
            vips.put(tag, ServiceVips.of(
                    (Inet4Address) InetAddress.getByAddress(ByteBuffer.allocate(4).putInt(0xF0000001 + i).array())));
        }
        table = LiveTable.build(spec, entries, vips).table();
        hit = query("svc-4242.ns-42.svc.80.mesh");
        miss = query("nope-4242.ns-42.svc.80.mesh");
    }

    @Benchmark
    public int hit() {
        return Resolver.answer(hit, hit.length, false, false, table, requester, out);
    }

    @Benchmark
    public int nxdomain() {
        return Resolver.answer(miss, miss.length, false, false, table, requester, out);
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 3)
    @Measurement(iterations = 5)
    public LiveTable buildTable() {
        return LiveTable.build(spec, entries, vips);
    }

    private static byte[] query(String name) {
        byte[] wire = WireName.of(name);
        return ByteBuffer.allocate(12 + wire.length + 4)
                .putShort((short) 0x1234).putShort((short) 0x0100).putShort((short) 1).putShort((short) 0)
                .putShort((short) 0).putShort((short) 0).put(wire).putShort((short) 1).putShort((short) 1)
                .array();
    }
}
