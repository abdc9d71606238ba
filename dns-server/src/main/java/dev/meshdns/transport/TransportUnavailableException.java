package dev.meshdns.transport;

import java.io.IOException;

/** The transport {@code --transport} names cannot be used on this machine; the message says why. */
public final class TransportUnavailableException extends IOException {
    TransportUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
