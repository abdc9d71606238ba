package dev.meshdns.catalog;

import java.util.Locale;
import java.util.Optional;

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

    private DnsNames() {
    }

    /** True when {@code text} is one label of 1..63 letters, digits, '-' or '_'. */
    public static boolean isLabel(String text) {
        return isLabel(text, 0, text.length());
    }

    /**
     * The same for {@code text} from {@code start} to {@code end}: a loop, not a regular expression,
     * because every entry of a catalog or control plane passes here (a million {@code Matcher}s were
     * 230 MB of garbage in an initial sync).
     */
    private static boolean isLabel(String text, int start, int end) {
        if (end - start < 1 || end - start > MAX_LABEL) {
            return false;
        }
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * Returns why {@code text} is not a valid name, or empty when it is. A single trailing dot is
     * allowed.
     */
    public static Optional<String> nameProblem(String text) {
        int length = text.endsWith(".") ? text.length() - 1 : text.length();
        if (length == 0) {
            return Optional.of("must be a DNS name (got \"" + text + "\")");
        }
        if (length > MAX_NAME) {
            return Optional.of("must be at most " + MAX_NAME + " characters (got " + length + ")");
        }
        for (int start = 0; start <= length; ) {
            int dot = text.indexOf('.', start);
            int end = dot < 0 || dot > length ? length : dot;
            if (!isLabel(text, start, end)) {
                return Optional.of("must be a DNS name of labels of 1.." + MAX_LABEL
                        + " letters, digits, '-' or '_' (got \"" + text + "\")");
            }
            start = end + 1;
        }
        return Optional.empty();
    }

    /** Lower-cases a valid name and strips its trailing dot. */
    public static String normalize(String validName) {
        String name = validName.endsWith(".") ? validName.substring(0, validName.length() - 1) : validName;
        return name.toLowerCase(Locale.ROOT);
    }
}
