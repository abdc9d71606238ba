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
        entries = entries instanceof EntryList immutable ? immutable : List.copyOf(entries);
        problems = List.copyOf(problems);
    }

    /** Not read from one file whole (merged, from the control plane, or made). */
    public Catalog(List<ServiceEntry> entries, List<String> problems) {
        this(entries, problems, null);
    }

    /** This catalog as read from these bytes. */
    public Catalog readFrom(byte[] content) {
        return new Catalog(entries, problems, sourceOf(content));
    }

    /** The SHA-256 of a catalog file's bytes, in hex: the same bytes parse to the same catalog. */
    public static String sourceOf(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
