package dev.meshdns.catalog;

import java.util.List;

/** What a read of catalog text comes to, comparable with equals: its entries and problems, or its error's message. */
final class ReadOutcome {
    private ReadOutcome() {
    }

    /** A read of catalog text. */
    interface Read {
        Catalog read() throws CatalogException;
    }

    /** The entries and problems, or the error's message. */
    static Object of(Read read) {
        try {
            Catalog catalog = read.read();
            return List.of(List.copyOf(catalog.entries()), catalog.problems());
        } catch (CatalogException e) {
            return "CatalogException: " + e.getMessage();
        }
    }
}
