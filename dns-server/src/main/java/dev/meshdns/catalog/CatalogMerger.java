package dev.meshdns.catalog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Combines the catalog file and the control plane into the one catalog the server applies, and
 * hands on a new combination whenever either source changes. The control plane wins a service
 * defined by both (it is the mesh's source of truth; the file then only adds local services), with
 * a warning naming the service. Before either source has delivered, nothing is handed on.
 * Thread-safe: the two sources call it from their own threads; the downstream consumer is called
 * under a lock, so it must be quick (the server's {@code submit} only queues).
 */
public final class CatalogMerger {
    private static final Logger log = LoggerFactory.getLogger(CatalogMerger.class);

    private final Consumer<Catalog> downstream;
    private final Object lock = new Object();
    private Catalog file;
    private List<ServiceEntry> controlPlane;
    private String lastOverrideWarning = "";

    public CatalogMerger(Consumer<Catalog> downstream) {
        this.downstream = Objects.requireNonNull(downstream, "downstream");
    }

    /** A new usable catalog file. */
    public void fileChanged(Catalog catalog) {
        synchronized (lock) {
            int before = file == null ? 0 : file.entries().size();
            if (before > 0 && catalog.entries().isEmpty() && controlPlane != null && !controlPlane.isEmpty()) {
                // The applier warns when the whole catalog empties; this is one source emptying alone.
                log.warn("the catalog file lists no service any more: its {} services are removed; the control"
                        + " plane's {} stay", before, controlPlane.size());
            }
            file = catalog;
            downstream.accept(merged());
        }
    }

    /**
     * The control plane's full current entry list (after an applied response or a restore), each
     * service named once, as the control-plane client hands it on. Not copied when an {@link EntryList}.
     */
    public void controlPlaneChanged(List<ServiceEntry> entries) {
        synchronized (lock) {
            int before = controlPlane == null ? 0 : controlPlane.size();
            if (before > 0 && entries.isEmpty() && file != null && !file.entries().isEmpty()) {
                log.warn("the control plane has no service any more: its {} services are removed; the catalog"
                        + " file's {} stay", before, file.entries().size());
            }
            controlPlane = Catalog.immutable(entries);
            downstream.accept(merged());
        }
    }

    private Catalog merged() {
        List<ServiceEntry> fromPlane = controlPlane == null ? List.of() : controlPlane;
        Catalog fromFile = file == null ? new Catalog(List.of(), List.of()) : file;
        if (fromFile.entries().isEmpty()) {
            // One source (the usual case): handed on as it is, without a map of 100,000 services per change.
            lastOverrideWarning = "";
            return new Catalog(fromPlane, fromFile.problems());
        }
        if (fromPlane.isEmpty()) {
            lastOverrideWarning = "";
            return fromFile; // the file alone: its million entries are not copied through a map per change
        }
        Catalog catalog = merge(fromFile, fromPlane);
        String overridden = String.join(", ", overridden(fromFile, fromPlane));
        if (!overridden.isEmpty() && !overridden.equals(lastOverrideWarning)) {
            log.warn("services defined by both the catalog file and the control plane, the control plane's "
                    + "definition is used: {}", overridden);
        }
        lastOverrideWarning = overridden;
        return catalog;
    }

    /**
     * The control plane's entries (the first of a service, should two resources name the same one)
     * followed by the file's entries whose service the control plane does not define. Problems:
     * the file's, plus one per dropped duplicate. Pure.
     */
    static Catalog merge(Catalog file, List<ServiceEntry> controlPlane) {
        Map<String, ServiceEntry> byService = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>(file.problems());
        for (ServiceEntry entry : controlPlane) {
            if (byService.putIfAbsent(entry.service(), entry) != null) {
                problems.add("control plane: service \"" + entry.service()
                        + "\" is defined by two resources; the first is used");
            }
        }
        for (ServiceEntry entry : file.entries()) {
            if (byService.putIfAbsent(entry.service(), entry) != null) {
                problems.add("catalog file: service \"" + entry.service()
                        + "\" is also defined by the control plane, whose definition is used");
            }
        }
        return new Catalog(new ArrayList<>(byService.values()), problems);
    }

    private static List<String> overridden(Catalog file, List<ServiceEntry> controlPlane) {
        if (file.entries().isEmpty() || controlPlane.isEmpty()) {
            return List.of();
        }
        Map<String, Boolean> plane = new LinkedHashMap<>();
        controlPlane.forEach(entry -> plane.put(entry.service(), Boolean.TRUE));
        return file.entries().stream().map(ServiceEntry::service).filter(plane::containsKey).limit(20).toList();
    }
}
