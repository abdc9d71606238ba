package dev.meshdns.core;

import dev.meshdns.table.NameTable;

/**
 * The answering core: a pure function of (query bytes, NameTable) to reply bytes. No I/O, no
 * locks, no clock, no allocation on a hit. Thread-safe (stateless). CONTRACT ONLY: pending.
 */
public final class Resolver {
    /** Returned instead of a length when the query must be dropped (no reply at all). */
    public static final int DROP = -1;
    /** Size an {@code out} buffer must have: the largest TCP reply. */
    public static final int MAX_REPLY = 65535;

    private Resolver() {
    }

    /**
     * Answers one DNS message. Reads {@code query[0..length)}, writes the reply into {@code out}
     * (at least {@link #MAX_REPLY} bytes) and returns its length, or {@link #DROP}.
     *
     * @param tcp true over TCP (no 512/1232 size limit, never truncated)
     */
    public static int answer(byte[] query, int length, boolean tcp, NameTable table, byte[] out) {
        throw new UnsupportedOperationException("pending");
    }
}
