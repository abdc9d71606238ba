package dev.meshdns.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations as written on a command line: {@code 90s}, {@code 15m}, {@code 1h},
 * {@code 2h30m}, {@code 1d}, {@code 0s}, {@code 500ms} (units d, h, m, s, ms, largest first, each
 * at most once, every number with a unit), or ISO-8601 such as {@code PT1H} or {@code P1DT2H}. Negative
 * durations are refused. Stateless and thread-safe.
 */
public final class Durations {
    /** The examples every "malformed" message shows. */
    public static final String EXAMPLES = "90s, 15m, 1h, 2h30m, 1d or PT1H";
    private static final Pattern COMPACT = Pattern.compile("(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m(?!s))?(?:(\\d+)s)?(?:(\\d+)ms)?");

    private Durations() {
    }

    /**
     * The duration, or IllegalArgumentException with a message that continues a flag name, e.g.
     * "vip-quarantine " + message: {@code must be a duration like ... (got "x")} or
     * {@code must not be negative (got "-1h")}.
     */
    public static Duration parse(String text) {
        if (text == null) {
            throw malformed(null);
        }
        String value = text.trim();
        boolean minus = value.startsWith("-");
        String unsigned = minus || value.startsWith("+") ? value.substring(1) : value;
        Duration duration;
        if (unsigned.startsWith("P") || unsigned.startsWith("p")) {
            try {
                duration = Duration.parse(value); // ISO-8601 takes the sign itself, e.g. -PT1H, PT-1H
            } catch (DateTimeParseException e) {
                throw malformed(text);
            }
        } else if (value.startsWith("+")) {
            throw malformed(text);
        } else {
            duration = compact(unsigned, text);
            if (minus && !duration.isZero()) {
                throw negative(text);
            }
        }
        if (duration.isNegative()) {
            throw negative(text);
        }
        return duration;
    }

    /** The shortest compact form ({@code 1h}, {@code 2h30m}, {@code 0s}, {@code 1s500ms}); not negative. */
    public static String format(Duration duration) {
        if (duration.isNegative() || duration.getNano() % 1_000_000 != 0) {
            return duration.toString();
        }
        if (duration.isZero()) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        append(out, duration.toDaysPart(), "d");
        append(out, duration.toHoursPart(), "h");
        append(out, duration.toMinutesPart(), "m");
        append(out, duration.toSecondsPart(), "s");
        append(out, duration.toMillisPart(), "ms");
        return out.toString();
    }

    private static void append(StringBuilder out, long amount, String unit) {
        if (amount != 0) {
            out.append(amount).append(unit);
        }
    }

    private static Duration compact(String value, String text) {
        Matcher matcher = COMPACT.matcher(value);
        if (value.isEmpty() || !matcher.matches()) {
            throw malformed(text);
        }
        try {
            Duration duration = Duration.ofDays(amount(matcher.group(1)));
            duration = duration.plusHours(amount(matcher.group(2)));
            duration = duration.plusMinutes(amount(matcher.group(3)));
            duration = duration.plusSeconds(amount(matcher.group(4)));
            return duration.plusMillis(amount(matcher.group(5)));
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("is too large (got \"" + text + "\")");
        }
    }

    private static long amount(String digits) {
        return digits == null ? 0 : Long.parseLong(digits);
    }

    private static IllegalArgumentException malformed(String text) {
        return new IllegalArgumentException("must be a duration like " + EXAMPLES + " (got "
                + (text == null ? "nothing" : "\"" + text + "\"") + ")");
    }

    private static IllegalArgumentException negative(String text) {
        return new IllegalArgumentException("must not be negative (got \"" + text + "\")");
    }
}
