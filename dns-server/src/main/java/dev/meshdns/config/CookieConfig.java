package dev.meshdns.config;

import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * DNS cookies (RFC 7873, server cookies of RFC 9018): always answered; the secrets that make and
 * verify server cookies (the first makes them, each verifies: the current and, during a
 * rotation, the previous one, as BIND's {@code cookie-secret} and Knot's {@code mod-cookies}
 * take them), and whether a UDP query without a valid server cookie is refused with BADCOOKIE.
 * Part of {@link ServerConfig}, validated with it. Immutable; {@link #toString} never shows a secret.
 *
 * @param secrets  16-byte secrets, at most two; empty for a random secret of each start
 * @param required BADCOOKIE for a UDP query with a cookie but no valid server cookie
 */
public record CookieConfig(List<byte[]> secrets, boolean required) {
    /** A random secret, cookies answered but not required. */
    public static final CookieConfig DEFAULT = new CookieConfig(List.of(), false);
    static final int SECRET_BYTES = 16;
    static final int MAX_SECRETS = 2;
    static final String EXAMPLE = "e5e973e5a6b2a43f48e7dc849e37bfcf";

    public CookieConfig {
        secrets = secrets.stream().map(byte[]::clone).toList();
    }

    @Override
    public List<byte[]> secrets() {
        return secrets.stream().map(byte[]::clone).toList();
    }

    /** The secret of {@code text} (32 hex digits), or an IllegalArgumentException naming what was wrong but not the text. */
    static byte[] parseSecret(String text) {
        String hex = text == null ? "" : text.trim();
        if (hex.length() != 2 * SECRET_BYTES || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException("must be " + 2 * SECRET_BYTES + " hex digits (16 bytes), e.g. "
                    + EXAMPLE + "; shared by every replica behind one address (got " + hex.length()
                    + " characters" + (hex.length() == 2 * SECRET_BYTES ? ", not all hex digits" : "") + ")");
        }
        return HexFormat.of().parseHex(hex);
    }

    /** Adds the problems of {@code config}; see {@link ServerConfigProblems} for {@code unparsed}. */
    static void problems(CookieConfig config, Set<String> unparsed, List<String> problems) {
        if (config.secrets.size() > MAX_SECRETS) {
            problems.add("cookie-secret takes at most " + MAX_SECRETS + " secrets, the current one first and the"
                    + " previous one of a rotation (got " + config.secrets.size() + ")");
        }
        for (byte[] secret : config.secrets) {
            if (secret.length != SECRET_BYTES) {
                problems.add("cookie-secret must be " + SECRET_BYTES + " bytes (got " + secret.length + ")");
            }
        }
    }

    @Override
    public String toString() {
        return "CookieConfig[secrets=" + secrets.size() + " (not shown), required=" + required + "]";
    }
}
