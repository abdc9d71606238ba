package dev.meshdns.cli;

import dev.meshdns.config.ServerConfig;
import dev.meshdns.transport.TransportUnavailableException;
import dev.meshdns.vip.store.StoreLossException;
import java.net.BindException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;

/**
 * Why a server did not start, for one log line and the exit code: the configuration's fault
 * (an address that cannot be bound, a data dir that cannot be written, a file store that lost
 * allocations, a --transport this machine lacks: exit 2, fix the settings or the data dir)
 * or not (a database that is down, an unexpected error: exit 1, try again). Immutable.
 *
 * @param message       one line naming the flag and the address or path
 * @param configuration whether changing the settings is the fix
 */
record StartFailure(String message, boolean configuration) {
    /** Classifies {@code failure} by the causes it wraps. */
    static StartFailure of(Throwable failure, ServerConfig config) {
        String message = String.valueOf(failure.getMessage());
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException) {
                return new StartFailure(message, true);
            }
            if (cause instanceof AccessDeniedException denied) {
                return new StartFailure(denied(denied, config), true);
            }
            if (cause instanceof TransportUnavailableException) {
                return new StartFailure(message, true); // another --transport, or auto
            }
            if (cause instanceof StoreLossException) {
                return new StartFailure(message, true); // the operator decides: restore, or --accept-store-loss
            }
        }
        return new StartFailure(message, false);
    }

    private static String denied(AccessDeniedException denied, ServerConfig config) {
        Path dataDir = config.dataDir().toAbsolutePath().normalize();
        String file = denied.getFile();
        if (file != null && Path.of(file).toAbsolutePath().normalize().startsWith(dataDir)) {
            return "cannot write --data-dir " + config.dataDir() + ": permission denied on " + file
                    + " (the directory must be writable by the user mesh-dns runs as)";
        }
        return "permission denied on " + (file == null ? denied.getMessage() : file);
    }
}
