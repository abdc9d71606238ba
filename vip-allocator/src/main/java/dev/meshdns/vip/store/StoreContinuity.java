package dev.meshdns.vip.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks that the files of a data dir, as found on open, still hold every revision that was made
 * durable: the snapshot covers revisions up to its own, the journal continues from the revision its
 * header names without a gap, and together they reach the high-water record. Each problem is one
 * sentence naming the file and the revisions missing. Stateless.
 */
final class StoreContinuity {

    private StoreContinuity() {
    }

    /**
     * The losses these files show, none when they agree. {@code snapshot} and {@code journal} are
     * null when the file is missing; {@code highWater} is -1 when its record is missing or damaged
     * (damage is reported by {@link HighWater#read}). Files of
     * format version 1 carry no revisions and are not checked.
     */
    static List<String> problems(Path snapshotPath, FrameFile.Contents snapshot, Path journalPath,
            FrameFile.Contents journal, Path highWaterPath, long highWater) {
        List<String> problems = new ArrayList<>();
        long snapshotRevision = snapshot == null ? -1 : snapshotRevision(snapshot);
        if (journal == null) {
            if (snapshot != null || highWater > 0) {
                long covered = Math.max(snapshotRevision, 0);
                problems.add(journalPath + " is missing"
                        + (snapshot == null ? "" : " beside " + snapshotPath + " (revision " + covered + ")")
                        + (highWater > covered ? ": " + revisions(covered + 1, highWater) + " lost" : ""));
            }
            return problems;
        }
        long base = journal.base();
        long end = journal.end();
        gap(journalPath, journal).ifPresent(problems::add);
        if (snapshot == null && base > 0) {
            problems.add(snapshotPath + " is missing: " + journalPath + " continues from revision " + base + ", so "
                    + revisions(1, base) + " lost");
        }
        if (snapshotRevision >= 0 && base >= 0 && snapshotRevision < base) {
            problems.add(snapshotPath + " holds revision " + snapshotRevision + ", but " + journalPath
                    + " continues from revision " + base + ": " + revisions(snapshotRevision + 1, base)
                    + " missing (an older copy of the snapshot?)");
        }
        if (snapshotRevision >= 0 && end >= 0 && snapshotRevision > end) {
            problems.add(journalPath + " ends at revision " + end + ", before " + snapshotPath + " (revision "
                    + snapshotRevision + "): an older copy of the journal; what it held after revision "
                    + snapshotRevision + " is lost");
        }
        long reached = Math.max(end, snapshotRevision);
        if (highWater > reached && reached >= 0) {
            problems.add(journalPath + " ends at revision " + end + ", but revision " + highWater + " was written ("
                    + highWaterPath + "): " + revisions(reached + 1, highWater) + " missing (truncated, or an"
                    + " older copy)" + (journal.tornTail() ? "; the " + (journal.size() - journal.intactEnd())
                    + " bytes at offset " + journal.intactEnd() + " are not a whole record" : ""));
        }
        if (highWater < 0 && reached > 0 && Files.notExists(highWaterPath) && (journal.version() == Frames.VERSION
                || (snapshot != null && snapshot.version() == Frames.VERSION))) {
            problems.add(highWaterPath + " is missing: whether " + journalPath + " (up to revision " + end
                    + ") is complete cannot be checked");
        }
        return problems;
    }

    /** A snapshot's revision: its header's (version 3) or its records' (version 2); -1 when unknown. */
    static long snapshotRevision(FrameFile.Contents snapshot) {
        if (snapshot.version() == Frames.VERSION) {
            return snapshot.headerRevision();
        }
        return snapshot.version() == Frames.VERSION_2 && !snapshot.records().isEmpty()
                ? snapshot.records().get(0).revision() : -1;
    }

    /** Records of a journal follow each other one revision at a time, from its base on. */
    private static Optional<String> gap(Path journalPath, FrameFile.Contents journal) {
        if (journal.version() == Frames.LEGACY_VERSION) {
            return Optional.empty();
        }
        long expected = journal.base() + 1;
        for (Frames.Record record : journal.records()) {
            if (record.revision() != expected) {
                return Optional.of(journalPath + ": the record at offset " + record.offset()
                        + " is revision " + record.revision() + ", expected " + expected
                        + (record.revision() > expected ? ": " + revisions(expected, record.revision() - 1)
                                + " missing" : ""));
            }
            expected++;
        }
        return Optional.empty();
    }

    /** "revision 5 is" or "revisions 5 to 9 are". */
    static String revisions(long from, long to) {
        return from == to ? "revision " + from + " is" : "revisions " + from + " to " + to + " are";
    }
}
