package dev.meshdns.table;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * DNS names in wire form (length-prefixed labels, ending in a zero byte), lower-cased, and the
 * case-insensitive hash the NameTable is keyed by. Stateless and thread-safe.
 */
public final class WireName {
    /** The largest wire name (RFC 1035 2.3.4). */
    public static final int MAX_LENGTH = 255;

    private WireName() {
    }

    /** Encodes {@code a.b.c} (a trailing dot is optional, "" or "." is the root) to lower-case wire form. */
    public static byte[] of(String dotted) {
        String name = dotted.endsWith(".") ? dotted.substring(0, dotted.length() - 1) : dotted;
        ByteArrayOutputStream out = new ByteArrayOutputStream(name.length() + 2);
        if (!name.isEmpty()) {
            for (String label : name.split("\\.", -1)) {
                byte[] bytes = label.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
                if (bytes.length == 0 || bytes.length > 63) {
                    throw new IllegalArgumentException("label of 1..63 characters expected in \"" + dotted + "\"");
                }
                out.write(bytes.length);
                out.writeBytes(bytes);
            }
        }
        out.write(0);
        if (out.size() > MAX_LENGTH) {
            throw new IllegalArgumentException("name longer than 255 bytes: \"" + dotted + "\"");
        }
        return out.toByteArray();
    }

    /** The dotted form with a trailing dot, for logs and tests. */
    public static String toDotted(byte[] wire) {
        StringBuilder sb = new StringBuilder();
        int pos = 0;
        while (wire[pos] != 0) {
            int len = wire[pos];
            sb.append(new String(wire, pos + 1, len, StandardCharsets.US_ASCII)).append('.');
            pos += len + 1;
        }
        return sb.length() == 0 ? "." : sb.toString();
    }

    /** ASCII lower case of one byte; label length bytes (at most 63) are unchanged. */
    public static int lower(int b) {
        return b >= 'A' && b <= 'Z' ? b + 32 : b;
    }

    /** FNV-1a over the lower-cased bytes {@code buf[from..to)}. */
    public static int hash(byte[] buf, int from, int to) {
        int h = 0x811c9dc5;
        for (int i = from; i < to; i++) {
            h = (h ^ lower(buf[i] & 0xff)) * 0x01000193;
        }
        return h;
    }

    /** Offset of the parent of the name starting at {@code pos}, or -1 when it is the root. */
    public static int parent(byte[] buf, int pos) {
        int len = buf[pos] & 0xff;
        return len == 0 ? -1 : pos + 1 + len;
    }
}
