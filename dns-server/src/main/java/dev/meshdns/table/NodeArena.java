package dev.meshdns.table;

import java.util.Arrays;

/**
 * Where the nodes of a {@link NameTable} and of the tables patched from it live: one encoded node
 * after another in chunks of {@value #CHUNK_BYTES} bytes, each node addressed by an int. A million
 * services are a few hundred byte arrays, not three million objects the collector copies and
 * scans. Append-only: a node written is never written again, so a table published to readers
 * stays valid while later patches append. Not thread-safe: one writer (the table's builder or
 * patcher, one at a time); readers only read nodes written before the table holding them was
 * published.
 *
 * <p>An encoded node: {@code [L][the L bytes of its lower-case wire name][zone: u24][flags][n][m]},
 * then n RRsets {@code [type: u16][records: u16][length: u16][bytes]}, then m unavailable types
 * {@code [type: u16][reason: u24]}. Zones and reasons are indexes into the table's arrays.
 */
final class NodeArena {
    static final int CHUNK_BITS = 20;
    static final int CHUNK_BYTES = 1 << CHUNK_BITS;
    static final int OFFSET_MASK = CHUNK_BYTES - 1;
    /** Most chunks: node addresses are positive ints (2 GiB of nodes). */
    private static final int MAX_CHUNKS = 1 << (31 - CHUNK_BITS);

    /** The first chunk's size; a chunk doubles until it is {@value #CHUNK_BYTES}, then the next begins. */
    private static final int FIRST_CHUNK_BYTES = 1 << 14;

    private byte[][] chunks;
    private int used; // of the last chunk
    private long written;

    NodeArena() {
        this(new byte[][] {new byte[FIRST_CHUNK_BYTES]}, 0, 0);
    }

    /** An arena holding these chunks, {@code used} bytes of the last one written: a table read back. */
    NodeArena(byte[][] chunks, int used, long written) {
        this.chunks = chunks;
        this.used = used;
        this.written = written;
    }

    /**
     * Room for {@code length} bytes; returns the address they are to be written at, in {@link
     * #chunks()} as it is after this call. A node never spans two chunks. The chunks array is
     * replaced, never written, when a chunk is added or grown: a published table keeps the one it has.
     */
    int reserve(int length) {
        if (length > CHUNK_BYTES) {
            throw new IllegalArgumentException("a node of " + length + " bytes is larger than a chunk of "
                    + CHUNK_BYTES);
        }
        int last = chunks.length - 1;
        if (used + length > chunks[last].length) {
            if (used + length <= CHUNK_BYTES) {
                int size = Math.min(CHUNK_BYTES, Math.max(chunks[last].length * 2, used + length));
                chunks = chunks.clone();
                chunks[last] = Arrays.copyOf(chunks[last], size); // the same bytes: old tables keep the old chunk
            } else if (chunks.length == MAX_CHUNKS) {
                throw new IllegalStateException("the name table is full: " + MAX_CHUNKS + " chunks of "
                        + CHUNK_BYTES + " bytes");
            } else {
                chunks = Arrays.copyOf(chunks, chunks.length + 1);
                chunks[++last] = new byte[CHUNK_BYTES];
                used = 0;
            }
        }
        int address = (last << CHUNK_BITS) | used;
        used += length;
        written += length;
        return address;
    }

    /**
     * The chunks as they are now. A later {@link #reserve} may replace the array or append to its
     * last chunk, never write a byte written before.
     */
    byte[][] chunks() {
        return chunks;
    }

    /** Bytes of the last chunk written so far. */
    int used() {
        return used;
    }

    /** Bytes written since this arena was made, dead nodes included. */
    long written() {
        return written;
    }
}
