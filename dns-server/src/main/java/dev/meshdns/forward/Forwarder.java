package dev.meshdns.forward;

import java.io.Closeable;
import java.util.function.Supplier;

/**
 * Answers queries for names outside the zone by asking upstream resolvers. Implementations are
 * thread-safe: {@link #forward} is called concurrently from the transport's event loops and never
 * blocks; a deferred reply arrives through the {@link ReplySink} on a forwarder thread.
 */
public interface Forwarder extends Closeable {
    /** {@link #forward} returns this when the reply will come later through the sink. */
    int PENDING = -2;

    /**
     * {@code query[0..length)} is a well-formed query (the Resolver validated it: one question,
     * opcode 0, name outside the zone, its cookie checked); {@code cookie} is the COOKIE option value
     * the reply carries (null for none; copied when the reply comes later). Writes the reply into
     * {@code out} (65535 bytes) and returns
     * its length when it can answer at once (fresh cache hit, overload SERVFAIL); else returns
     * {@link #PENDING} and calls a sink it took from {@code later} (on the caller's thread, before
     * returning) exactly once, from any thread. A fresh cache hit never asks {@code later}, so it
     * allocates nothing for it. Never blocks. Called from event loops, concurrently.
     */
    int forward(byte[] query, int length, boolean tcp, byte[] cookie, byte[] out, Supplier<ReplySink> later);
}
