package dev.meshdns.catalog;

/**
 * A catalog that cannot be used at all (not YAML, no {@code services:} list). The caller keeps
 * serving the previous catalog. Immutable.
 */
public final class CatalogException extends Exception {
    private static final long serialVersionUID = 1L;

    public CatalogException(String message) {
        super(message);
    }

    public CatalogException(String message, Throwable cause) {
        super(message, cause);
    }
}
