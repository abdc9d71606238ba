package dev.meshdns.config;

import java.util.Locale;

/**
 * Where VIP allocations are kept: {@link #FILE}, a journal in the data directory of one server,
 * {@link #POSTGRES}, one database shared by replicas, or {@link #NONE}: a follower that allocates
 * nothing and answers the VIPs it syncs. Written in lower case on the command line ({@code --store file}).
 */
public enum StoreKind {
    FILE,
    POSTGRES,
    NONE;

    /** The name on the command line: {@code file}, {@code postgres}, {@code none}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * {@code file}, {@code postgres} or {@code none}, any case; IllegalArgumentException with a message that
     * continues "store ..." otherwise.
     */
    public static StoreKind parse(String text) {
        String value = text == null ? "" : text.trim();
        for (StoreKind kind : values()) {
            if (kind.cliName().equalsIgnoreCase(value)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("must be file, postgres or none (got "
                + (text == null ? "nothing" : "\"" + text + "\"") + ")");
    }
}
