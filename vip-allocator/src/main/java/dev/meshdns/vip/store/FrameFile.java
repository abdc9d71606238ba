package dev.meshdns.vip.store;

import dev.meshdns.vip.VipStore.Allocation;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes whole files of {@link Frames}: scanning with torn-tail detection, writing a
 * file durably under its final name (temp file, fsync, atomic rename, directory fsync), and
 * cutting a file back to its last whole frame after a failed append. Stateless and thread-safe.
 */
final class FrameFile {

    /** Rows per snapshot frame, so no frame comes near the size limit. */
    private static final int SNAPSHOT_FRAME_ROWS = 4096;

    /**
     * What a scan found: the file's format version, the revision its header names (version 3: the
     * one a journal continues from, or a snapshot's; -1 before), the records of every intact frame,
     * and where the intact part ends. {@code intactEnd < size} means a torn tail: bytes after the
     * last intact frame, with no intact frame after them.
     */
    record Contents(int version, long headerRevision, List<Frames.Record> records, long intactEnd, long size) {
        boolean tornTail() {
            return intactEnd < size;
        }

        /**
         * The revision the first record follows: the header's (version 3), one before the first
         * record's (version 2), or -1 when unknown (version 1, or an empty version 2 file).
         */
        long base() {
            if (version == Frames.VERSION) {
                return headerRevision;
            }
            return version == Frames.VERSION_2 && !records.isEmpty() ? records.get(0).revision() - 1 : -1;
        }

        /** The revision of the last intact record, else {@link #base()}. */
        long end() {
            return records.isEmpty() || version == Frames.LEGACY_VERSION ? base() : records.get(records.size() - 1).revision();
        }
    }

    private FrameFile() {
    }

    /**
     * Reads a file of frames. A bad frame with no intact frame after it is reported as a torn
     * tail; a bad frame followed by an intact one means acknowledged data is damaged, and fails.
     */
    static Contents read(Path path, String magic) throws IOException {
        ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(path));
        int version = Frames.version(file, magic);
        if (version < 0) {
            throw new IOException(path + ": not a mesh-dns VIP file of a known version (expected header '"
                    + magic + "' version " + Frames.LEGACY_VERSION + " to " + Frames.VERSION + " in the first "
                    + Frames.HEADER_BYTES + " bytes)");
        }
        long headerRevision = -1;
        if (version == Frames.VERSION) {
            headerRevision = Frames.headerRevision(file);
            if (headerRevision < 0) {
                throw new IOException(path + ": the header (the first " + Frames.HEADER_BYTES_V3
                        + " bytes) is damaged; restore the data dir from a backup");
            }
        }
        List<Frames.Record> records = new ArrayList<>();
        int position = Frames.headerBytes(version);
        while (position < file.limit()) {
            int end = Frames.intactFrameEnd(file, position);
            if (end < 0) {
                int next = nextIntactFrame(file, position + 1);
                if (next >= 0) {
                    throw new IOException(path + ": corrupt record at offset " + position
                            + " followed by an intact record at offset " + next
                            + "; acknowledged allocations are damaged, restore the data dir from a backup");
                }
                return new Contents(version, headerRevision, records, position, file.limit());
            }
            records.add(Frames.decode(file, position, path, version, records.size() + 1));
            position = end;
        }
        return new Contents(version, headerRevision, records, position, file.limit());
    }

    /**
     * Writes a header naming {@code revision}, the rows (as snapshot records of that revision) and
     * the retired releases to {@code target} so that it is either absent, the old file, or whole. A
     * temp file that could not be finished is deleted, so a full disk is not left fuller.
     */
    static void writeAtomically(Path target, String magic, long revision, List<Allocation> rows,
            List<Allocation> retired) throws IOException {
        Path temp = temp(target);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            writeFully(channel, Frames.header(magic, revision));
            writeFrames(channel, Frames.SNAPSHOT, revision, rows);
            writeFrames(channel, Frames.RETIRED, revision, retired);
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temp, e);
            throw e;
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(target.getParent());
    }

    private static void writeFrames(FileChannel channel, byte type, long revision, List<Allocation> rows)
            throws IOException {
        for (int from = 0; from < rows.size(); from += SNAPSHOT_FRAME_ROWS) {
            int to = Math.min(rows.size(), from + SNAPSHOT_FRAME_ROWS);
            writeFully(channel, Frames.encode(type, revision, rows.subList(from, to)));
        }
    }

    /**
     * Creates {@code temp(target)} holding only a header that continues from {@code revision},
     * fsynced, and opens it for appending; deletes it again if that fails.
     */
    static FileChannel createEmpty(Path target, String magic, long revision) throws IOException {
        Path temp = temp(target);
        FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        try {
            writeFully(channel, Frames.header(magic, revision));
            channel.force(true);
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            deleteQuietly(temp, e);
            throw e;
        }
    }

    /**
     * Cuts the file open in {@code channel} back to {@code end}, the end of a whole frame, fsyncs it
     * and its directory, leaves the channel's position there, and reads the file back to check that
     * it now ends in that whole frame; throws if any of it fails.
     */
    static void cutBack(FileChannel channel, Path path, String magic, long end) throws IOException {
        channel.truncate(end);
        channel.position(end);
        channel.force(true);
        forceDirectory(path.getParent());
        Contents contents = read(path, magic);
        if (contents.tornTail() || contents.size() != end) {
            throw new IOException("it reads back as " + contents.size() + " bytes, intact up to "
                    + contents.intactEnd() + ", not " + end);
        }
    }

    /** Deletes {@code file} if it exists; a failure to is added to {@code cause}. */
    static void deleteQuietly(Path file, Exception cause) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    static Path temp(Path target) {
        return target.resolveSibling(target.getFileName() + ".tmp");
    }

    /** Makes a rename or a file creation in {@code directory} durable. */
    static void forceDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    static void writeFully(FileChannel channel, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    private static int nextIntactFrame(ByteBuffer file, int from) {
        for (int position = from; position + Frames.FRAME_OVERHEAD_BYTES <= file.limit(); position++) {
            if (Frames.intactFrameEnd(file, position) >= 0) {
                return position;
            }
        }
        return -1;
    }
}
