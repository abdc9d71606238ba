package dev.meshdns.vip.store;

import dev.meshdns.vip.VipStore.Allocation;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The on-disk format shared by the journal and the snapshot. A file is an 8-byte header (4-byte
 * magic, int32 version) followed by frames. A frame holds the allocations of one append:
 * {@code int32 payloadLength, int32 crc32c(payloadLength bytes + payload), payload}, and the
 * payload is {@code int32 count} then per allocation {@code u16 zoneLength, zone (UTF-8),
 * u16 serviceLength, service (UTF-8), u8 addressLength (4 or 16), address}. One checksum per
 * append means a torn append is always one bad frame at the very end of the journal.
 * Stateless and thread-safe.
 */
final class Frames {

    static final int HEADER_BYTES = 8;
    static final int FRAME_OVERHEAD_BYTES = 8;
    static final int MAX_PAYLOAD_BYTES = 64 << 20;
    private static final int VERSION = 1;

    private Frames() {
    }

    static ByteBuffer header(String magic) {
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        header.put(magic.getBytes(StandardCharsets.US_ASCII)).putInt(VERSION);
        return header.flip();
    }

    static boolean hasHeader(ByteBuffer file, String magic) {
        return file.limit() >= HEADER_BYTES && header(magic).equals(file.duplicate().position(0).limit(HEADER_BYTES));
    }

    /** One frame holding all the allocations; throws IllegalArgumentException when they cannot be encoded. */
    static ByteBuffer encode(List<Allocation> allocations) {
        List<byte[]> fields = new ArrayList<>();
        int payloadBytes = 4;
        for (Allocation allocation : allocations) {
            byte[] zone = utf8("zone", allocation.zone());
            byte[] service = utf8("service", allocation.service());
            byte[] address = allocation.address().getAddress();
            fields.add(zone);
            fields.add(service);
            fields.add(address);
            payloadBytes += 2 + zone.length + 2 + service.length + 1 + address.length;
            if (payloadBytes > MAX_PAYLOAD_BYTES) {
                throw new IllegalArgumentException("append of " + allocations.size()
                        + " allocations exceeds the frame limit of " + MAX_PAYLOAD_BYTES + " bytes; split it");
            }
        }
        ByteBuffer frame = ByteBuffer.allocate(FRAME_OVERHEAD_BYTES + payloadBytes);
        frame.putInt(payloadBytes).putInt(0).putInt(allocations.size());
        for (int i = 0; i < fields.size(); i += 3) {
            frame.putShort((short) fields.get(i).length).put(fields.get(i));
            frame.putShort((short) fields.get(i + 1).length).put(fields.get(i + 1));
            frame.put((byte) fields.get(i + 2).length).put(fields.get(i + 2));
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

    /** The allocations of an intact frame; throws naming the file and offset when its payload is malformed. */
    static List<Allocation> decode(ByteBuffer file, int position, Path path) throws IOException {
        int end = intactFrameEnd(file, position);
        ByteBuffer payload = file.duplicate().limit(end).position(position + FRAME_OVERHEAD_BYTES);
        try {
            int count = payload.getInt();
            List<Allocation> allocations = new ArrayList<>(Math.min(count, 1 << 16));
            for (int i = 0; i < count; i++) {
                String zone = string(payload, Short.toUnsignedInt(payload.getShort()));
                String service = string(payload, Short.toUnsignedInt(payload.getShort()));
                byte[] address = new byte[Byte.toUnsignedInt(payload.get())];
                payload.get(address);
                allocations.add(new Allocation(zone, service, InetAddress.getByAddress(address)));
            }
            if (payload.hasRemaining()) {
                throw new IOException(payload.remaining() + " bytes left over");
            }
            return allocations;
        } catch (IOException | BufferUnderflowException | IndexOutOfBoundsException | IllegalArgumentException e) {
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
