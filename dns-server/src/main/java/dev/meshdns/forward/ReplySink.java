package dev.meshdns.forward;

/**
 * Where a deferred forwarded reply goes: the transport sends it to the client. Called once per
 * query, from a forwarder thread; the bytes are valid only during the call (the caller reuses them).
 */
@FunctionalInterface
public interface ReplySink {
    void reply(byte[] reply, int length);
}
