package dev.meshdns.config;

import java.util.List;

/**
 * A configuration with one or more problems; the message lists all of them, one per line, so a
 * user fixes everything in one go. Immutable.
 */
public final class InvalidConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public InvalidConfigException(List<String> problems) {
        super("invalid configuration:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    /** Each problem, saying what was wrong and what was given. */
    public List<String> problems() {
        return problems;
    }
}
