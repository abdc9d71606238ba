package dev.meshdns.vip.store;

import dev.meshdns.vip.AllocationResult;
import dev.meshdns.vip.Cidr;
import dev.meshdns.vip.VipAllocator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The process {@link FileVipStoreCrashTest} kills: allocates services in batches of 1 to 3 and
 * prints {@code ack <service> <address> ;} for each once {@code allocate} has returned, that is
 * once it is durable. The trailing {@code ;} tells a whole line from one cut by the kill.
 * Arguments: data dir, snapshot threshold, number of the first service.
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
            VipAllocator allocator = VipAllocator.open(store, POOL, ZONE);
            out.println("ready ;");
            out.flush();
            for (int next = first; next < first + 1_000_000; ) {
                List<String> batch = new ArrayList<>();
                for (int size = 1 + next % 3; size > 0; size--) {
                    batch.add("svc-" + next++);
                }
                AllocationResult result = allocator.allocate(batch, Set.of());
                for (Map.Entry<String, java.net.InetAddress> vip : result.vips().entrySet()) {
                    out.println("ack " + vip.getKey() + " " + vip.getValue().getHostAddress() + " ;");
                }
                out.flush();
            }
        }
    }
}
