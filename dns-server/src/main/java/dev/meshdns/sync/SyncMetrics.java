package dev.meshdns.sync;

/**
 * The control-plane client's events, for the metric catalogue (admin/Metrics implements it).
 * Called on {@code meshdns-sync} only; implementations must be thread-safe for their readers.
 */
public interface SyncMetrics {
    /** Records nothing. */
    SyncMetrics NONE = new SyncMetrics() {
    };

    /** A stream was established ({@code true}) or the established one ended ({@code false}). */
    default void connected(boolean connected) {
    }

    /** A response was applied and ACKed. */
    default void acked() {
    }

    /** A response was NACKed (invalid entries, or a type not subscribed to). */
    default void nacked() {
    }

    /** The resources held now. */
    default void resources(int count) {
    }
}
