package dev.meshdns.vip;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Delegates to a real store and records each append, so tests can count fsyncs. Single-threaded. */
final class RecordingStore implements VipStore {

    private final VipStore delegate;
    private final List<List<Allocation>> appends = new ArrayList<>();
    private IOException nextAppendFailure;

    RecordingStore(VipStore delegate) {
        this.delegate = delegate;
    }

    List<List<Allocation>> appends() {
        return appends;
    }

    void failNextAppend(IOException failure) {
        nextAppendFailure = failure;
    }

    @Override
    public List<Allocation> restore() throws IOException {
        return delegate.restore();
    }

    @Override
    public void append(List<Allocation> allocations) throws IOException {
        if (nextAppendFailure != null) {
            IOException failure = nextAppendFailure;
            nextAppendFailure = null;
            throw failure;
        }
        delegate.append(allocations);
        appends.add(List.copyOf(allocations));
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
