package dev.meshdns.vip.store;

import dev.meshdns.vip.AllocationResult;
import dev.meshdns.vip.Cidr;
import dev.meshdns.vip.VipAllocator;
import java.time.Clock;
import java.time.Duration;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The process {@link FileVipStoreCrashTest} kills: starts from the services the store holds, then
 * syncs again and again, each time adding 1 to 3 new services and, every other time, dropping the
 * oldest live one. Before a sync it prints {@code drop <service> ;} for each service it drops;
 * once {@code sync} has returned (so durably) it prints {@code ack <service> <address> ;} for each
 * new VIP and {@code released <service> ;} for each dropped service. The trailing {@code ;} tells
 * a whole line from one cut by the kill. Arguments: data dir, snapshot threshold, number of the
 * first service.
 */
public final class AllocatingChild {

    static final Cidr POOL = Cidr.parse("240.0.0.0/4");
    static final String ZONE = "mesh";

    private AllocatingChild() {
    }

    public static void main(String[] args) throws IOException {
        Path dataDir = Path.of(args[0]);
        int snapshotAfterRecords = Integer.parseInt(args[1]);
        int first = Integer.parseInt(args[2]);
        PrintStream out = new PrintStream(System.out, false);
        try (FileVipStore store = FileVipStore.open(dataDir, snapshotAfterRecords)) {
            VipAllocator allocator = VipAllocator.open(store, POOL, ZONE, Duration.ofHours(1), Clock.systemUTC());
            Set<String> live = new LinkedHashSet<>(allocator.allocations().keySet());
            out.println("ready ;");
            out.flush();
            for (int next = first, step = 0; next < first + 1_000_000; step++) {
                List<String> added = new ArrayList<>();
                for (int size = 1 + next % 3; size > 0; size--) {
                    added.add("svc-" + next++);
                }
                List<String> dropped = new ArrayList<>();
                if (step % 2 == 1 && live.size() > 3) {
                    Iterator<String> oldest = live.iterator();
                    dropped.add(oldest.next());
                    oldest.remove();
                }
                live.addAll(added);
                dropped.forEach(service -> out.println("drop " + service + " ;"));
                out.flush();
                AllocationResult result = allocator.sync(live, Set.of());
                for (String service : added) {
                    InetAddress vip = result.vips().get(service);
                    out.println("ack " + service + " " + vip.getHostAddress() + " ;");
                }
                dropped.forEach(service -> out.println("released " + service + " ;"));
                out.flush();
            }
        }
    }
}
