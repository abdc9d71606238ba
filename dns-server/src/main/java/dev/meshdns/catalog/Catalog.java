package dev.meshdns.catalog;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The outcome of reading one catalog: the entries that passed validation, in file order, and
 * one message per rejected entry. Immutable and thread-safe.
 *
 * @param entries  the valid entries, services unique and lower case
 * @param problems why each skipped entry was skipped, naming it (empty when all were good)
 * @param source   the SHA-256 of the bytes it was read from, in hex, when it is one catalog file
 *                 read whole ({@link #sourceOf}); null otherwise
 */
public record Catalog(List<ServiceEntry> entries, List<String> problems, String source) {
    public Catalog {
        entries = immutable(entries);
        problems = List.copyOf(problems);
    }

    /** The entries as an immutable list: themselves when they are one of the catalog's own immutable lists. */
    static List<ServiceEntry> immutable(List<ServiceEntry> entries) {
        return entries instanceof EntryList || entries instanceof EntryArray ? entries : List.copyOf(entries);
    }

    /** Not read from one file whole (merged, from the control plane, or made). */
    public Catalog(List<ServiceEntry> entries, List<String> problems) {
        this(entries, problems, null);
    }

    /** This catalog as read from {@code content[0, length)}. */
    public Catalog readFrom(byte[] content, int length) {
        return new Catalog(entries, problems, sourceOf(content, length));
    }

    /** The SHA-256 of a catalog file's bytes, in hex: the same bytes parse to the same catalog. */
    public static String sourceOf(byte[] content) {
        return sourceOf(content, content.length);
    }

    private static String sourceOf(byte[] content, int length) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(content, 0, length);
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
