package dev.meshdns.vip.store;

import java.io.IOException;

/**
 * A {@link FileVipStore} refused to open because its files show that durable allocations are
 * missing (a file deleted, truncated or replaced by an older copy): opening anyway would give their
 * VIPs to other services. The message names each file and what is missing; the caller may open
 * again accepting the loss. Immutable.
 */
public final class StoreLossException extends IOException {
    private static final long serialVersionUID = 1L;

    public StoreLossException(String message) {
        super(message);
    }
}
