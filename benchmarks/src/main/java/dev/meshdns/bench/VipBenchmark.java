package dev.meshdns.bench;

import dev.meshdns.vip.AllocationResult;
import dev.meshdns.vip.Cidr;
import dev.meshdns.vip.VipAllocator;
import dev.meshdns.vip.store.FileVipStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A first sync's VIPs: N new services given a VIP each by an allocator over a new file store, the
 * claims written and fsynced, as the first apply of a control plane's mesh does before its table is
 * built. A new store (in a temporary directory) per iteration.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 4)
@Fork(1)
public class VipBenchmark {
    @Param({"1000000"})
    int services;

    List<String> names;
    Path dir;
    FileVipStore store;
    VipAllocator allocator;

    @Setup(Level.Trial)
    public void names() {
        names = new ArrayList<>(services);
        for (int i = 0; i < services; i++) {
            names.add("svc-" + i + "_ns-" + (i % 50) + "_svc_80");
        }
    }

    @Setup(Level.Iteration)
    public void newStore() throws IOException {
        dir = Files.createTempDirectory("vip-bench");
        store = FileVipStore.open(dir);
        allocator = VipAllocator.open(store, Cidr.parse("240.0.0.0/4"), "mesh", Duration.ofHours(1),
                Clock.systemUTC());
    }

    @TearDown(Level.Iteration)
    public void dropStore() throws IOException {
        store.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    @Benchmark
    public AllocationResult syncNew() throws IOException {
        return allocator.sync(names, Set.of());
    }
}
