package dev.meshdns.it.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** What the benchmarks print: quantiles of sorted samples, milliseconds, the load average. Stateless. */
final class BenchFigures {
    private BenchFigures() {
    }

    /** The sample at {@code quantile} (nearest rank) of ascending {@code sorted}. */
    static long at(long[] sorted, double quantile) {
        int rank = (int) Math.ceil(quantile * sorted.length);
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }

    static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    /** /proc/loadavg, so a figure says how busy the machine was. */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg"), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "(unknown: " + e + ")";
        }
    }
}
