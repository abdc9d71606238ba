package dev.meshdns.vip.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The high-water record of a file store ({@code vips.highwater}): the highest revision whose write
 * completed, so a journal that ends before it was truncated or replaced by an older copy. 20 bytes,
 * {@code "MDVH", int32 1, int64 revision, int32 crc32c(the 16 bytes before)}, rewritten in place
 * after every journal write without an fsync (the page cache keeps it across a {@code kill -9};
 * after a power failure it may be older, never newer, than the journal) and fsynced at snapshots,
 * on open and on close. Not thread-safe: the store's thread owns it.
 */
final class HighWater implements AutoCloseable {

    static final String MAGIC = "MDVH";
    private static final int BYTES = 20;

    private final Path path;
    private final FileChannel channel;
    private final ByteBuffer record = ByteBuffer.allocate(BYTES);

    private HighWater(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /** The recorded revision, -1 when the file is missing; fails naming the file when it is damaged. */
    static long read(Path path) throws IOException {
        if (!Files.exists(path)) {
            return -1;
        }
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(path));
        if (bytes.limit() != BYTES || !MAGIC.equals(new String(bytes.array(), 0, 4, StandardCharsets.US_ASCII))
                || bytes.getInt(4) != 1 || bytes.getInt(16) != checksum(bytes)) {
            throw new StoreLossException(path + " is damaged (" + bytes.limit() + " bytes, not a whole "
                    + BYTES + "-byte high-water record): whether the journal is complete cannot be checked");
        }
        return bytes.getLong(8);
    }

    /** Writes {@code revision} durably under {@code path} (temp file, fsync, rename, directory fsync) and opens it. */
    static HighWater create(Path path, long revision) throws IOException {
        Path temp = FrameFile.temp(path);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            FrameFile.writeFully(channel, encode(ByteBuffer.allocate(BYTES), revision));
            channel.force(true);
        }
        Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        FrameFile.forceDirectory(path.getParent());
        return new HighWater(path, FileChannel.open(path, StandardOpenOption.WRITE));
    }

    /** Records {@code revision} in place, without an fsync: a few microseconds per journal write. */
    void record(long revision) throws IOException {
        encode(record.clear(), revision);
        while (record.hasRemaining()) {
            channel.write(record, record.position());
        }
    }

    /** Records {@code revision} and fsyncs it. */
    void force(long revision) throws IOException {
        record(revision);
        channel.force(false);
    }

    Path path() {
        return path;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private static ByteBuffer encode(ByteBuffer into, long revision) {
        into.put(MAGIC.getBytes(StandardCharsets.US_ASCII)).putInt(1).putLong(revision);
        into.putInt(checksum(into.duplicate().flip()));
        return into.flip();
    }

    private static int checksum(ByteBuffer bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes.duplicate().position(0).limit(16));
        return (int) crc.getValue();
    }
}
