package dev.meshdns.catalog;

import java.util.List;

/**
 * The outcome of reading one catalog: the entries that passed validation, in file order, and
 * one message per rejected entry. Immutable and thread-safe.
 *
 * @param entries  the valid entries, services unique and lower case
 * @param problems why each skipped entry was skipped, naming it (empty when all were good)
 */
public record Catalog(List<ServiceEntry> entries, List<String> problems) {
    public Catalog {
        entries = entries instanceof EntryList immutable ? immutable : List.copyOf(entries);
        problems = List.copyOf(problems);
    }
}
