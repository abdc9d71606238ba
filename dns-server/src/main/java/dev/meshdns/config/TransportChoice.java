package dev.meshdns.config;

import java.util.Locale;

/**
 * Which socket transport the DNS listeners use ({@code --transport}): {@link #AUTO}, the best one
 * this machine offers, or one of them by name, which fails the start when it is not available.
 * Written in lower case on the command line ({@code --transport io_uring}).
 */
public enum TransportChoice {
    AUTO,
    IO_URING,
    EPOLL,
    NIO;

    /** The name on the command line: {@code auto}, {@code io_uring}, {@code epoll}, {@code nio}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * {@code auto}, {@code io_uring}, {@code epoll} or {@code nio}, any case; IllegalArgumentException
     * with a message that continues "transport ..." otherwise.
     */
    public static TransportChoice parse(String text) {
        String value = text == null ? "" : text.trim();
        for (TransportChoice choice : values()) {
            if (choice.cliName().equalsIgnoreCase(value)) {
                return choice;
            }
        }
        throw new IllegalArgumentException("must be auto, io_uring, epoll or nio (got "
                + (text == null ? "nothing" : "\"" + text + "\"") + ")");
    }
}
