package dev.meshdns.config;

import java.util.List;

/**
 * Response rate limiting of UDP replies per client prefix (/24, /56), like Knot's {@code rrl}: off
 * when {@code ratePerSecond} is 0 (the default). Part of {@link ServerConfig}, validated with it.
 * Immutable.
 *
 * @param ratePerSecond replies per second per prefix; 0: off
 * @param slip          every slip-th limited reply is sent truncated (TC=1) so real clients retry over
 *                      TCP, the others are dropped; 0 drops all, 1 truncates all
 * @param tableSize     buckets of the table (8 bytes each), rounded up to a power of two
 */
public record RateLimitConfig(int ratePerSecond, int slip, int tableSize) {
    public static final int DEFAULT_SLIP = 1;
    public static final int DEFAULT_TABLE_SIZE = 65_536;
    /** The tokens of a bucket take 20 bits. */
    public static final int MAX_RATE = (1 << 20) - 1;
    private static final int MAX_TABLE_SIZE = 1 << 24;

    /** No rate limiting. */
    public static final RateLimitConfig OFF = new RateLimitConfig(0, DEFAULT_SLIP, DEFAULT_TABLE_SIZE);

    public boolean enabled() {
        return ratePerSecond > 0;
    }

    /** Adds the problems of {@code config}. */
    static void problems(RateLimitConfig config, List<String> problems) {
        if (config.ratePerSecond() < 0 || config.ratePerSecond() > MAX_RATE) {
            problems.add("rrl-rate must be from 0 (off) to " + MAX_RATE + " replies per second (got "
                    + config.ratePerSecond() + ")");
        }
        if (config.slip() < 0) {
            problems.add("rrl-slip must be 0 (drop every limited reply) or more (got " + config.slip() + ")");
        }
        if (config.tableSize() < 1 || config.tableSize() > MAX_TABLE_SIZE) {
            problems.add("rrl-table-size must be from 1 to " + MAX_TABLE_SIZE + " (got " + config.tableSize() + ")");
        }
    }
}
