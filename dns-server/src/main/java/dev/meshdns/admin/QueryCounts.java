package dev.meshdns.admin;

import io.netty.util.concurrent.FastThreadLocal;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Counts of the query path kept in one plain {@code long[]} per thread (per event loop), so counting
 * is a load and a store into the thread's own array: no allocation, no lock, no shared cache line.
 * A scrape sums the arrays of every thread that ever counted. Thread-safe: each array has one writer
 * (its thread) and any thread may read it (opaque reads: a scrape sees each count as it was lately).
 */
final class QueryCounts {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    private final int slots;
    private final List<long[]> shards = new CopyOnWriteArrayList<>();
    private final FastThreadLocal<long[]> local = new FastThreadLocal<>() {
        @Override
        protected long[] initialValue() {
            long[] shard = new long[slots];
            shards.add(shard);
            return shard;
        }
    };

    QueryCounts(int slots) {
        this.slots = slots;
    }

    /** The calling thread's array (made on its first call). */
    long[] local() {
        return local.get();
    }

    /** Adds {@code delta} to {@code slot} of the calling thread's own {@code shard}. */
    static void add(long[] shard, int slot, long delta) {
        // A plain store: a VarHandle call may box in the interpreter, and a 64-bit JVM never tears a long.
        shard[slot] += delta;
    }

    /** The sum over every thread of {@code slot}. */
    long sum(int slot) {
        long sum = 0;
        for (long[] shard : shards) {
            sum += (long) SLOT.getOpaque(shard, slot);
        }
        return sum;
    }

    /**
     * A histogram laid out in the arrays: per tag value, one slot per upper bound, one for +Inf,
     * and one for the sum of the values. Values and bounds are longs in a raw unit (nanoseconds,
     * bytes); {@code scale} turns them into the base unit Prometheus shows.
     */
    static final class Histogram {
        private final long[] bounds;
        private final int base;
        private final int stride;

        /** A histogram over {@code bounds} (ascending) whose slots start at {@code base}. */
        Histogram(long[] bounds, int base) {
            this.bounds = bounds.clone();
            this.base = base;
            this.stride = bounds.length + 2;
        }

        /** The first slot after it, with {@code tagValues} values of its one tag. */
        int end(int tagValues) {
            return base + stride * tagValues;
        }

        /** Counts {@code value} for tag value {@code tag}; linear, since nearly every value is in the first buckets. */
        void record(long[] shard, int tag, long value) {
            int bucket = 0;
            while (bucket < bounds.length && value > bounds[bucket]) {
                bucket++;
            }
            int start = base + tag * stride;
            add(shard, start + bucket, 1);
            add(shard, start + bounds.length + 1, value);
        }

        /** The Prometheus collector that renders it as {@code name_bucket{le}}, {@code name_count}, {@code name_sum}. */
        Collector collector(QueryCounts counts, String name, String help, Unit unit, double scale, String tag,
                            String[] tagValues) {
            double[] upperBounds = new double[bounds.length + 1];
            for (int i = 0; i < bounds.length; i++) {
                upperBounds[i] = bounds[i] * scale;
            }
            upperBounds[bounds.length] = Double.POSITIVE_INFINITY;
            return new Collector() {
                @Override
                public MetricSnapshot collect() {
                    HistogramSnapshot.Builder snapshot = HistogramSnapshot.builder().name(name).help(help).unit(unit);
                    for (int t = 0; t < tagValues.length; t++) {
                        int start = base + t * stride;
                        long[] perBucket = new long[bounds.length + 1];
                        for (int i = 0; i < perBucket.length; i++) {
                            perBucket[i] = counts.sum(start + i); // not cumulative: the text writer adds them up
                        }
                        snapshot.dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                                .labels(Labels.of(tag, tagValues[t]))
                                .classicHistogramBuckets(ClassicHistogramBuckets.of(upperBounds, perBucket))
                                .sum(counts.sum(start + bounds.length + 1) * scale)
                                .build());
                    }
                    return snapshot.build();
                }

                @Override
                public String getPrometheusName() {
                    return name;
                }
            };
        }
    }
}
