package dev.meshdns.vip.store;

import dev.meshdns.vip.VipStore.Allocation;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Writes files of format version 1 (rows without a released flag) independently of the production
 * code, so tests prove that data dirs written in that format still open: header
 * {@code magic, int32 1}; frames
 * {@code int32 length, int32 crc32c(length bytes + payload), payload}; payload {@code int32 count}
 * then per allocation {@code u16 zoneLength, zone, u16 serviceLength, service, u8 addressLength, address}.
 */
final class LegacyFormat {

    private LegacyFormat() {
    }

    @SafeVarargs
    static byte[] file(String magic, List<Allocation>... frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(magic.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(ByteBuffer.allocate(4).putInt(1).array());
        for (List<Allocation> frame : frames) {
            ByteArrayOutputStream payload = new ByteArrayOutputStream();
            payload.writeBytes(ByteBuffer.allocate(4).putInt(frame.size()).array());
            for (Allocation allocation : frame) {
                writeString(payload, allocation.zone());
                writeString(payload, allocation.service());
                byte[] address = allocation.address().getAddress();
                payload.write(address.length);
                payload.writeBytes(address);
            }
            byte[] length = ByteBuffer.allocate(4).putInt(payload.size()).array();
            CRC32C crc = new CRC32C();
            crc.update(length);
            crc.update(payload.toByteArray());
            out.writeBytes(length);
            out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
            out.writeBytes(payload.toByteArray());
        }
        return out.toByteArray();
    }

    private static void writeString(ByteArrayOutputStream out, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(ByteBuffer.allocate(2).putShort((short) bytes.length).array());
        out.writeBytes(bytes);
    }
}
