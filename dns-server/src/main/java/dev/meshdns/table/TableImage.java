package dev.meshdns.table;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link NameTable} as bytes and back, array by array: the arena's chunks as they are, the slots
 * of each segment, the zones and reasons its nodes name. Reading one back decodes no node and
 * hashes no name, so a million services read back in the time their bytes take to copy. The caller
 * frames and checksums the bytes ({@code SavedTable}); a length past {@code limit} fails the read
 * before anything that large is allocated. Stateless.
 */
public final class TableImage {
    private static final int INTS_PER_COPY = 4096;

    private TableImage() {
    }

    /** Writes the table; the table is immutable, so any thread may, while others patch its successors. */
    public static void write(NameTable table, DataOutputStream out) throws IOException {
        NameTable.Image image = table.image();
        out.writeInt(image.capacity());
        out.writeInt(image.size());
        out.writeInt(image.entryNames());
        out.writeLong(image.liveBytes());
        out.writeInt(image.problems().size());
        for (String problem : image.problems()) {
            writeBytes(out, problem.getBytes(StandardCharsets.UTF_8));
        }
        out.writeInt(image.zones().length);
        for (Zone zone : image.zones()) {
            writeBytes(out, zone.apexWire());
            writeBytes(out, zone.soaAuthority());
            out.writeBoolean(zone.ready());
            out.writeBoolean(zone.hostApex());
        }
        out.writeInt(image.reasons().length);
        for (byte[] reason : image.reasons()) {
            writeBytes(out, reason);
        }
        byte[][] chunks = image.chunks();
        out.writeInt(chunks.length);
        for (int i = 0; i < chunks.length; i++) {
            int length = i == chunks.length - 1 ? image.lastChunkUsed() : chunks[i].length;
            out.writeInt(chunks[i].length);
            out.writeInt(length);
            out.write(chunks[i], 0, length);
        }
        out.writeLong(image.arenaWritten());
        out.writeInt(image.nodes().length);
        ByteBuffer copy = ByteBuffer.allocate(INTS_PER_COPY * Integer.BYTES);
        for (int i = 0; i < image.nodes().length; i++) {
            writeInts(out, image.nodes()[i], copy);
            writeInts(out, image.hashes()[i], copy);
        }
    }

    /**
     * Reads a table {@link #write} wrote. Fails with an IOException when the bytes cannot be one
     * (a length or count out of range); bytes damaged in place are the caller's checksum to find.
     */
    public static NameTable read(DataInputStream in, long limit) throws IOException {
        int capacity = in.readInt();
        int size = in.readInt();
        int entryNames = in.readInt();
        long liveBytes = in.readLong();
        if (Integer.bitCount(capacity) != 1 || size < 0 || size > capacity || entryNames < 0 || liveBytes < 0) {
            throw new IOException("not a name table: capacity " + capacity + ", " + size + " names");
        }
        int problemCount = count(in, limit, "problems");
        List<String> problems = new ArrayList<>(problemCount);
        for (int i = 0; i < problemCount; i++) {
            problems.add(new String(readBytes(in, limit), StandardCharsets.UTF_8));
        }
        Zone[] zones = new Zone[count(in, limit, "zones")];
        for (int i = 0; i < zones.length; i++) {
            zones[i] = new Zone(readBytes(in, limit), readBytes(in, limit), in.readBoolean(), in.readBoolean());
        }
        byte[][] reasons = new byte[count(in, limit, "reasons")][];
        for (int i = 0; i < reasons.length; i++) {
            reasons[i] = readBytes(in, limit);
        }
        byte[][] chunks = new byte[count(in, limit, "chunks")][];
        int lastUsed = 0;
        for (int i = 0; i < chunks.length; i++) {
            int length = in.readInt();
            int used = in.readInt();
            if (length < 0 || length > NodeArena.CHUNK_BYTES || used < 0 || used > length || used > limit) {
                throw new IOException("not a name table: a chunk of " + used + " of " + length + " bytes");
            }
            chunks[i] = new byte[length];
            in.readFully(chunks[i], 0, used);
            lastUsed = used;
        }
        long arenaWritten = in.readLong();
        int segments = count(in, limit / 8, "segments");
        int perSegment = Math.min(capacity, NameTable.SEGMENT_SLOTS);
        if (chunks.length == 0 || (long) segments * perSegment != capacity) {
            throw new IOException("not a name table: " + segments + " segments for " + capacity + " slots");
        }
        int[][] nodes = new int[segments][];
        int[][] hashes = new int[segments][];
        ByteBuffer copy = ByteBuffer.allocate(INTS_PER_COPY * Integer.BYTES);
        for (int i = 0; i < segments; i++) {
            nodes[i] = readInts(in, perSegment, copy);
            hashes[i] = readInts(in, perSegment, copy);
        }
        return NameTable.of(new NameTable.Image(capacity, size, entryNames, problems, liveBytes, zones, reasons,
                chunks, lastUsed, arenaWritten, nodes, hashes));
    }

    private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static byte[] readBytes(DataInputStream in, long limit) throws IOException {
        byte[] bytes = new byte[count(in, limit, "bytes")];
        in.readFully(bytes);
        return bytes;
    }

    private static int count(DataInputStream in, long limit, String what) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > limit) {
            throw new IOException("not a name table: " + count + " " + what + " in " + limit + " bytes");
        }
        return count;
    }

    private static void writeInts(DataOutputStream out, int[] ints, ByteBuffer copy) throws IOException {
        for (int from = 0; from < ints.length; from += INTS_PER_COPY) {
            int n = Math.min(INTS_PER_COPY, ints.length - from);
            copy.clear();
            copy.asIntBuffer().put(ints, from, n);
            out.write(copy.array(), 0, n * Integer.BYTES);
        }
    }

    private static int[] readInts(DataInputStream in, int count, ByteBuffer copy) throws IOException {
        int[] ints = new int[count];
        for (int from = 0; from < count; from += INTS_PER_COPY) {
            int n = Math.min(INTS_PER_COPY, count - from);
            in.readFully(copy.array(), 0, n * Integer.BYTES);
            copy.clear();
            copy.asIntBuffer().get(ints, from, n);
        }
        return ints;
    }
}
