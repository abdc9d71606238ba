package dev.meshdns.catalog;

import java.util.List;

/**
 * The entries of an earlier parse of the same file, handed back for each entry read equal to one
 * of them: looked for at the next few places after the last one found (files change by edits,
 * mostly in place), so no map of the previous entries. Not thread-safe: one instance per parse.
 */
final class PreviousEntries {
    /** How many previous entries are compared with each new one: removals of up to 3 in a row. */
    private static final int LOOK_AHEAD = 4;

    private final List<ServiceEntry> previous;
    private int at;

    PreviousEntries(List<ServiceEntry> previous) {
        this.previous = previous;
    }

    /** The previous instance equal to {@code entry}, or {@code entry}. */
    ServiceEntry sameOr(ServiceEntry entry) {
        int end = Math.min(previous.size(), at + LOOK_AHEAD);
        for (int i = at; i < end; i++) {
            ServiceEntry candidate = previous.get(i);
            if (candidate.equals(entry)) {
                at = i + 1;
                return candidate;
            }
        }
        return entry;
    }
}
