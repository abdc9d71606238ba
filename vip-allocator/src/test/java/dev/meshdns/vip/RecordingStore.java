package dev.meshdns.vip;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Delegates to a real store and records each claim and release call, so tests can count store
 * writes. It can fail the next claim, and it can play a rival replica: before forwarding a claim
 * of an address it has not seen claimed, a rival service of zone {@code rival} claims that address
 * first, so the store itself refuses ours (a lost race); it is then not the sole writer it
 * otherwise reports (its delegate's {@link #soleWriterRevision}). It counts the rows that reads of
 * changes returned. Single-threaded.
 */
final class RecordingStore implements VipStore {

    private final VipStore delegate;
    private final List<List<Allocation>> claims = new ArrayList<>();
    private final List<List<Allocation>> releases = new ArrayList<>();
    private final Set<InetAddress> seen = new HashSet<>();
    private IOException nextClaimFailure;
    private int racesToLose;
    private int rivals;
    private long rowsRead;

    RecordingStore(VipStore delegate) {
        this.delegate = delegate;
    }

    List<List<Allocation>> claims() {
        return claims;
    }

    List<List<Allocation>> releases() {
        return releases;
    }

    /** How many rows {@link #changesSince} returned so far. */
    long rowsRead() {
        return rowsRead;
    }

    void failNextClaim(IOException failure) {
        nextClaimFailure = failure;
    }

    /** The next {@code races} first claims of an address lose to a rival that claims it just before. */
    void loseRaces(int races) {
        racesToLose = races;
    }

    @Override
    public View load() throws IOException {
        return delegate.load();
    }

    @Override
    public View changesSince(long revision) throws IOException {
        View changes = delegate.changesSince(revision);
        rowsRead += changes.rows().size();
        return changes;
    }

    @Override
    public OptionalLong soleWriterRevision() {
        return racesToLose == 0 && rivals == 0 ? delegate.soleWriterRevision() : OptionalLong.empty();
    }

    @Override
    public List<Allocation> claim(List<Allocation> batch, Duration quarantine, Instant now) throws IOException {
        if (nextClaimFailure != null) {
            IOException failure = nextClaimFailure;
            nextClaimFailure = null;
            throw failure;
        }
        for (Allocation claim : batch) {
            if (racesToLose > 0 && seen.add(claim.address())) {
                racesToLose--;
                delegate.claim(List.of(Allocation.held("rival", "rival-" + rivals++, claim.address())), quarantine, now);
            }
        }
        claims.add(List.copyOf(batch));
        return delegate.claim(batch, quarantine, now);
    }

    @Override
    public void release(List<Allocation> rows, Instant at) throws IOException {
        delegate.release(rows, at);
        releases.add(List.copyOf(rows));
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
