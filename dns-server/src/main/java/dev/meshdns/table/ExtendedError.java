package dev.meshdns.table;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Extended DNS Error options (RFC 8914) in wire form: option code 15, length, INFO-CODE and
 * EXTRA-TEXT, ready to append to an OPT record. dig prints them as "EDE: 14 (Not Ready): ...".
 * Stateless.
 */
public final class ExtendedError {
    /** INFO-CODE 0: other; the text says why. */
    public static final int OTHER = 0;
    /** INFO-CODE 14: the server is not fully functional yet. */
    public static final int NOT_READY = 14;
    /** Answered with SERVFAIL for zone names before the first catalog is loaded. */
    public static final byte[] CATALOG_NOT_LOADED = of(NOT_READY, "catalog not loaded yet");

    private static final int OPTION_CODE = 15;
    /** Keeps a reply with the OPT far below 512 bytes. */
    private static final int MAX_TEXT_BYTES = 200;

    private ExtendedError() {
    }

    public static byte[] of(int infoCode, String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(utf8.length, MAX_TEXT_BYTES);
        return ByteBuffer.allocate(6 + length)
                .putShort((short) OPTION_CODE)
                .putShort((short) (2 + length))
                .putShort((short) infoCode)
                .put(utf8, 0, length)
                .array();
    }
}
