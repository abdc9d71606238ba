package dev.meshdns.transport;

import dev.meshdns.admin.Metrics;
import dev.meshdns.forward.ReplySink;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** Clients and metrics for answerer and handler tests. */
final class Clients {
    static final Client UDP = of(false, InetAddress.getLoopbackAddress());
    static final Client TCP = of(true, InetAddress.getLoopbackAddress());

    private Clients() {
    }

    /** A client whose later replies are kept in {@link Recording#replies}. */
    static Recording of(boolean tcp, InetAddress address) {
        return new Recording(tcp, address);
    }

    static Metrics metrics() {
        return new Metrics(new SimpleMeterRegistry());
    }

    /** The sum of the counters (plain or function) named {@code name} with these tags (key, value, ...). */
    static double count(MeterRegistry registry, String name, String... tags) {
        return registry.find(name).tags(Tags.of(tags)).meters().stream()
                .mapToDouble(meter -> meter.measure().iterator().next().getValue()).sum();
    }

    /** A query for {@code a.mesh.} of type {@code qtype}, ID {@code id}: 24 bytes. */
    static byte[] query(int id, int qtype) {
        byte[] query = {(byte) (id >> 8), (byte) id, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
                1, 'a', 4, 'm', 'e', 's', 'h', 0, (byte) (qtype >> 8), (byte) qtype, 0, 1};
        return query;
    }

    static final class Recording implements Client {
        final List<byte[]> replies = new ArrayList<>();
        private final boolean tcp;
        private final InetAddress address;

        Recording(boolean tcp, InetAddress address) {
            this.tcp = tcp;
            this.address = address;
        }

        @Override
        public boolean tcp() {
            return tcp;
        }

        @Override
        public InetAddress address() {
            return address;
        }

        @Override
        public long arrivalNanos() {
            return System.nanoTime();
        }

        @Override
        public ReplySink get() {
            return (bytes, length) -> replies.add(java.util.Arrays.copyOf(bytes, length));
        }
    }
}
