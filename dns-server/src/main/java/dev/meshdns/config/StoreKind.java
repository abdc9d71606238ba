package dev.meshdns.config;

import java.util.Locale;

/**
 * Where VIP allocations are kept: {@link #FILE}, a journal in the data directory of one server,
 * or {@link #POSTGRES}, one database shared by replicas. Written in lower case on the command
 * line ({@code --store file}).
 */
public enum StoreKind {
    FILE,
    POSTGRES;

    /** The name on the command line: {@code file}, {@code postgres}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * {@code file} or {@code postgres}, any case; IllegalArgumentException with a message that
     * continues "store ..." otherwise.
     */
    public static StoreKind parse(String text) {
        String value = text == null ? "" : text.trim();
        for (StoreKind kind : values()) {
            if (kind.cliName().equalsIgnoreCase(value)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("must be file or postgres (got "
                + (text == null ? "nothing" : "\"" + text + "\"") + ")");
    }
}
