package dev.meshdns.catalog;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Validation and normalisation of DNS names as the catalog and the config accept them: labels of
 * letters, digits, '-' and '_' (LDH plus underscore, as service tags use it), lower-cased, no
 * trailing dot. Stateless and thread-safe.
 */
public final class DnsNames {
    /** Longest label (RFC 1035). */
    public static final int MAX_LABEL = 63;
    /** Longest name in text form without the trailing dot (255 wire bytes). */
    public static final int MAX_NAME = 253;

    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_-]{1," + MAX_LABEL + "}");

    private DnsNames() {
    }

    /** True when {@code text} is one label of 1..63 letters, digits, '-' or '_'. */
    public static boolean isLabel(String text) {
        return LABEL.matcher(text).matches();
    }

    /**
     * Returns why {@code text} is not a valid name, or empty when it is. A single trailing dot is
     * allowed.
     */
    public static Optional<String> nameProblem(String text) {
        String name = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
        if (name.isEmpty()) {
            return Optional.of("must be a DNS name (got \"" + text + "\")");
        }
        if (name.length() > MAX_NAME) {
            return Optional.of("must be at most " + MAX_NAME + " characters (got " + name.length() + ")");
        }
        for (String label : name.split("\\.", -1)) {
            if (!isLabel(label)) {
                return Optional.of("must be a DNS name of labels of 1.." + MAX_LABEL
                        + " letters, digits, '-' or '_' (got \"" + text + "\")");
            }
        }
        return Optional.empty();
    }

    /** Lower-cases a valid name and strips its trailing dot. */
    public static String normalize(String validName) {
        String name = validName.endsWith(".") ? validName.substring(0, validName.length() - 1) : validName;
        return name.toLowerCase(Locale.ROOT);
    }
}
