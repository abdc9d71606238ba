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
    public static byte[] of(CharSequence dotted) {
        int end = dotted.length() > 0 && dotted.charAt(dotted.length() - 1) == '.' ? dotted.length() - 1 : dotted.length();
        if (end == 0) {
            return new byte[] {0};
        }
        // One pass, one array: every table build encodes each name (a million services, 2-3 names each).
        byte[] wire = new byte[end + 2];
        int lengthAt = 0;
        for (int i = 0; i < end; i++) {
            char c = dotted.charAt(i);
            if (c >= 0x80) {
                return ofAnyCharacters(dotted.toString());
            }
            if (c == '.') {
                wire[lengthAt] = labelLength(i + 1 - lengthAt - 1, dotted);
                lengthAt = i + 1;
            } else {
                wire[i + 1] = (byte) (c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
            }
        }
        wire[lengthAt] = labelLength(end - lengthAt, dotted);
        if (wire.length > MAX_LENGTH) {
            throw new IllegalArgumentException("name longer than 255 bytes: \"" + dotted + "\"");
        }
        return wire;
    }

    private static byte labelLength(int length, CharSequence dotted) {
        if (length == 0 || length > 63) {
            throw new IllegalArgumentException("label of 1..63 characters expected in \"" + dotted + "\"");
        }
        return (byte) length;
    }

    /** {@link #of} of a name with a character beyond ASCII (lower-cased by its own rules, then sent as '?'). */
    private static byte[] ofAnyCharacters(String dotted) {
        String name = dotted.endsWith(".") ? dotted.substring(0, dotted.length() - 1) : dotted;
        ByteArrayOutputStream out = new ByteArrayOutputStream(name.length() + 2);
        for (String label : name.split("\\.", -1)) {
            byte[] bytes = label.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
            out.write(labelLength(bytes.length, dotted));
            out.writeBytes(bytes);
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
