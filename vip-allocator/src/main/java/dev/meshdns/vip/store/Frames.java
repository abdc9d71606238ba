package dev.meshdns.vip.store;

import dev.meshdns.vip.VipStore.Allocation;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The on-disk format shared by the journal and the snapshot; stateless and thread-safe. A file is
 * a header followed by frames {@code int32 payloadLength, int32 crc32c(payloadLength bytes +
 * payload), payload}, one per store call, so a torn write is always one bad frame at the very end
 * of the journal. Version 3 (written): the header is {@code magic (4 bytes), int32 3, int64
 * revision, int32 crc32c(the 16 bytes before)}, the revision being the one a journal continues
 * from (its first frame is the next one) or the one a snapshot holds. The payload is {@code u8
 * type (1 claim, 2 release, 3 snapshot, 4 retired releases of a snapshot), int64 revision, int32
 * count} then per row {@code u16 zoneLength, zone (UTF-8), u16 serviceLength, service (UTF-8), u8
 * addressLength (4 or 16), address, u8 released (0|1)[, int64 epochSecond, int32 nanos]}. Version 2
 * (data dirs of earlier releases; read only): an 8-byte header {@code magic, int32 2}, the same
 * frames without type 4. Version 1 (read only): an 8-byte header; the payload is {@code int32
 * count} then rows without the released byte, read as claims.
 */
final class Frames {

    /** Header bytes of versions 1 and 2. */
    static final int HEADER_BYTES = 8;
    static final int HEADER_BYTES_V3 = 20;
    static final int FRAME_OVERHEAD_BYTES = 8;
    static final int MAX_PAYLOAD_BYTES = 64 << 20;
    static final int VERSION = 3;
    static final int VERSION_2 = 2;
    static final int LEGACY_VERSION = 1;

    static final byte CLAIM = 1;
    static final byte RELEASE = 2;
    static final byte SNAPSHOT = 3;
    static final byte RETIRED = 4;

    /** One decoded frame: its type, the store revision after it, its rows in their new state, and where it starts. */
    record Record(byte type, long revision, List<Allocation> rows, int offset) {
    }

    private Frames() {
    }

    /** A version 3 header: the journal continues from {@code revision}, or the snapshot holds it. */
    static ByteBuffer header(String magic, long revision) {
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES_V3);
        header.put(magic.getBytes(StandardCharsets.US_ASCII)).putInt(VERSION).putLong(revision);
        CRC32C crc = new CRC32C();
        crc.update(header.duplicate().flip());
        header.putInt((int) crc.getValue());
        return header.flip();
    }

    /** The file's format version (1, 2 or 3) when it starts with this magic, else -1. */
    static int version(ByteBuffer file, String magic) {
        for (int version : new int[] {VERSION, VERSION_2, LEGACY_VERSION}) {
            ByteBuffer expected = ByteBuffer.allocate(HEADER_BYTES)
                    .put(magic.getBytes(StandardCharsets.US_ASCII)).putInt(version).flip();
            if (file.limit() >= HEADER_BYTES && expected.equals(file.duplicate().position(0).limit(HEADER_BYTES))) {
                return version;
            }
        }
        return -1;
    }

    static int headerBytes(int version) {
        return version == VERSION ? HEADER_BYTES_V3 : HEADER_BYTES;
    }

    /** The revision of a whole version 3 header, or -1 when it is cut short or its checksum does not match. */
    static long headerRevision(ByteBuffer file) {
        if (file.limit() < HEADER_BYTES_V3) {
            return -1;
        }
        CRC32C crc = new CRC32C();
        crc.update(file.duplicate().position(0).limit(HEADER_BYTES_V3 - 4));
        return file.getInt(HEADER_BYTES_V3 - 4) == (int) crc.getValue() ? file.getLong(HEADER_BYTES) : -1;
    }

    /** One frame (the same in versions 2 and 3); throws IllegalArgumentException when the rows cannot be encoded. */
    static ByteBuffer encode(byte type, long revision, List<Allocation> rows) {
        // Two passes, each row's bytes made again in the second: kept from the first, a claim of a
        // million rows would hold three million small arrays through many young collections.
        int payloadBytes = 1 + 8 + 4;
        for (Allocation row : rows) {
            payloadBytes += 2 + utf8Length("zone", row.zone()) + 2 + utf8Length("service", row.service())
                    + 1 + row.address().getAddress().length + 1 + (row.isHeld() ? 0 : 12);
            if (payloadBytes > MAX_PAYLOAD_BYTES) {
                throw new IllegalArgumentException("a record of " + rows.size()
                        + " rows exceeds the frame limit of " + MAX_PAYLOAD_BYTES + " bytes; split it");
            }
        }
        ByteBuffer frame = ByteBuffer.allocate(FRAME_OVERHEAD_BYTES + payloadBytes);
        frame.putInt(payloadBytes).putInt(0).put(type).putLong(revision).putInt(rows.size());
        for (Allocation row : rows) {
            byte[] address = row.address().getAddress();
            putUtf8(frame, "zone", row.zone());
            putUtf8(frame, "service", row.service());
            frame.put((byte) address.length).put(address);
            Instant releasedAt = row.releasedAt();
            if (releasedAt == null) {
                frame.put((byte) 0);
            } else {
                frame.put((byte) 1).putLong(releasedAt.getEpochSecond()).putInt(releasedAt.getNano());
            }
        }
        frame.putInt(4, checksum(frame, 0, payloadBytes));
        return frame.flip();
    }

    /** The end offset of the frame at {@code position} if it is whole and its checksum matches, else -1. */
    static int intactFrameEnd(ByteBuffer file, int position) {
        if (file.limit() - position < FRAME_OVERHEAD_BYTES) {
            return -1;
        }
        int payloadBytes = file.getInt(position);
        if (payloadBytes < 4 || payloadBytes > MAX_PAYLOAD_BYTES
                || payloadBytes > file.limit() - position - FRAME_OVERHEAD_BYTES) {
            return -1;
        }
        if (file.getInt(position + 4) != checksum(file, position, payloadBytes)) {
            return -1;
        }
        return position + FRAME_OVERHEAD_BYTES + payloadBytes;
    }

    /**
     * The record of an intact frame; throws naming the file and offset when its payload is malformed.
     * A version-1 frame is read as a claim; its revision is {@code legacyRevision}.
     */
    static Record decode(ByteBuffer file, int position, Path path, int version, long legacyRevision)
            throws IOException {
        int end = intactFrameEnd(file, position);
        ByteBuffer payload = file.duplicate().limit(end).position(position + FRAME_OVERHEAD_BYTES);
        try {
            byte type = CLAIM;
            long revision = legacyRevision;
            if (version >= VERSION_2) {
                type = payload.get();
                revision = payload.getLong();
                if (type != CLAIM && type != RELEASE && type != SNAPSHOT && (type != RETIRED || version < VERSION)) {
                    throw new IOException("unknown record type " + type);
                }
            }
            int count = payload.getInt();
            List<Allocation> rows = new ArrayList<>(Math.min(count, 1 << 16));
            for (int i = 0; i < count; i++) {
                String zone = string(payload, Short.toUnsignedInt(payload.getShort()));
                String service = string(payload, Short.toUnsignedInt(payload.getShort()));
                byte[] address = new byte[Byte.toUnsignedInt(payload.get())];
                payload.get(address);
                Instant releasedAt = version >= VERSION_2 && payload.get() != 0
                        ? Instant.ofEpochSecond(payload.getLong(), payload.getInt())
                        : null;
                rows.add(new Allocation(zone, service, InetAddress.getByAddress(address), releasedAt));
            }
            if (payload.hasRemaining()) {
                throw new IOException(payload.remaining() + " bytes left over");
            }
            return new Record(type, revision, rows, position);
        } catch (IOException | BufferUnderflowException | IndexOutOfBoundsException | IllegalArgumentException
                | DateTimeException | ArithmeticException e) {
            // ArithmeticException: Instant.ofEpochSecond when seconds plus nanos overflow a long.
            throw new IOException(path + ": malformed record at offset " + position
                    + " (checksum matches, content does not parse): " + e, e);
        }
    }

    private static String string(ByteBuffer payload, int length) throws CharacterCodingException {
        ByteBuffer bytes = payload.slice(payload.position(), length);
        payload.position(payload.position() + length);
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(bytes)
                .toString();
    }

    /**
     * The length of the value in UTF-8 (throws as {@link #utf8} does). Without encoding it when it
     * is ASCII, as names are: two arrays per row were 250 MB of garbage in a claim of a million.
     */
    private static int utf8Length(String what, String value) {
        return isAscii(value) && value.length() <= 0xFFFF ? value.length() : utf8(what, value).length;
    }

    /** The value's length in two bytes, then the value in UTF-8. */
    private static void putUtf8(ByteBuffer frame, String what, String value) {
        if (isAscii(value) && value.length() <= 0xFFFF) {
            frame.putShort((short) value.length());
            for (int i = 0; i < value.length(); i++) {
                frame.put((byte) value.charAt(i));
            }
        } else {
            byte[] bytes = utf8(what, value);
            frame.putShort((short) bytes.length).put(bytes);
        }
    }

    private static boolean isAscii(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static byte[] utf8(String what, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 0xFFFF) {
            throw new IllegalArgumentException(what + " is " + bytes.length + " bytes in UTF-8, at most 65535 fit: '"
                    + value.substring(0, 40) + "...'");
        }
        return bytes;
    }

    /** CRC32C over the length field and the payload, so a corrupt length is caught too. */
    private static int checksum(ByteBuffer file, int position, int payloadBytes) {
        CRC32C crc = new CRC32C();
        crc.update(file.duplicate().limit(position + 4).position(position));
        crc.update(file.duplicate().limit(position + FRAME_OVERHEAD_BYTES + payloadBytes)
                .position(position + FRAME_OVERHEAD_BYTES));
        return (int) crc.getValue();
    }
}
