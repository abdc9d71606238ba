package dev.meshdns.sync;

import dev.meshdns.catalog.ServiceEntry;
import java.util.Objects;

/**
 * One control-plane resource as applied: its xDS name, the version the control plane gave it,
 * and the validated entry. Immutable.
 */
record SyncedEntry(String name, String version, ServiceEntry entry) {
    SyncedEntry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(entry, "entry");
    }
}
