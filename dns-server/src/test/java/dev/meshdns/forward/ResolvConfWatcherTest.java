package dev.meshdns.forward;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Polls driven by hand (no thread, no waiting). */
class ResolvConfWatcherTest {
    private static final InetSocketAddress LISTEN = new InetSocketAddress("127.0.0.1", 53);
    private static final InetSocketAddress ONE = new InetSocketAddress("10.0.0.1", 53);
    private static final InetSocketAddress TWO = new InetSocketAddress("10.0.0.2", 53);

    @TempDir
    Path dir;
    private final List<List<InetSocketAddress>> changes = new ArrayList<>();
    private long mtime = 1_000_000;

    @Test
    void aChangedNameserverListIsHandedOn() throws IOException {
        Path file = write("nameserver 10.0.0.1\n");
        ResolvConfWatcher watcher = new ResolvConfWatcher(file, LISTEN, List.of(ONE), changes::add);

        write("nameserver 10.0.0.2\nnameserver 10.0.0.1\n");
        watcher.poll();

        assertThat(changes).containsExactly(List.of(TWO, ONE));
    }

    @Test
    void anUnchangedFileOrTheSameListIsNotHandedOn() throws IOException {
        Path file = write("nameserver 10.0.0.1\n");
        ResolvConfWatcher watcher = new ResolvConfWatcher(file, LISTEN, List.of(ONE), changes::add);
        watcher.poll();

        write("# rewritten\nnameserver 10.0.0.1\n");
        watcher.poll();

        assertThat(changes).isEmpty();
    }

    @Test
    void aMissingOrEmptyFileKeepsTheLastList() throws IOException {
        Path file = write("nameserver 10.0.0.1\n");
        ResolvConfWatcher watcher = new ResolvConfWatcher(file, LISTEN, List.of(ONE), changes::add);

        write("nameserver 127.0.0.1\n"); // only ourselves
        watcher.poll();
        Files.delete(file);
        watcher.poll();
        write("nameserver 10.0.0.2\n");
        watcher.poll();

        assertThat(changes).containsExactly(List.of(TWO));
    }

    private Path write(String text) throws IOException {
        Path file = dir.resolve("resolv.conf");
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.fromMillis(mtime += 1000)); // a new stamp even within one clock tick
        return file;
    }
}
