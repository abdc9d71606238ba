package dev.meshdns.forward;

/**
 * How one exchange with one upstream ended: exactly one of the two is called, once, on the
 * event loop the exchange ran on.
 */
interface UpstreamResult {
    /** A reply that answers the query (ID and question checked); {@code reply} is the caller's from now on. */
    void answered(byte[] reply, int length);

    /** No reply: {@code timeout}, else a network error; {@code why} is short, for logs and the EDE text. */
    void failed(boolean timeout, String why);
}
