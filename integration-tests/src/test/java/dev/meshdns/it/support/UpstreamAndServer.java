package dev.meshdns.it.support;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * A forwarding mesh-dns with its upstream: Knot serving {@link UpstreamZones}, and mesh-dns on the
 * example catalog with {@code --upstream} pointing at it, started and answering its catalog. Closing
 * stops both, Knot also when mesh-dns never started. Not thread-safe.
 */
public final class UpstreamAndServer implements AutoCloseable {
    private final KnotUpstream knot;
    private ServerProcess server;

    private UpstreamAndServer(KnotUpstream knot) {
        this.knot = knot;
    }

    /** Starts both in {@code dir}; {@code flags} may add to the server's flags (the upstream is set). */
    public static UpstreamAndServer start(Path dir, UnaryOperator<ServerFlags> flags) {
        UpstreamAndServer both = new UpstreamAndServer(KnotUpstream.start(dir.resolve("knot"), UpstreamZones.all()));
        try {
            Path catalog = dir.resolve("catalog.yaml");
            Catalog.example().writeTo(catalog);
            both.server = ServerProcess.startAndWait(catalog, dir.resolve("data"),
                    flags.apply(ServerFlags.defaults().with("--upstream", both.knot.address())))
                    .awaitName("backend.mesh.");
            return both;
        } catch (RuntimeException | Error e) {
            both.close();
            throw e;
        }
    }

    public KnotUpstream knot() {
        return knot;
    }

    public ServerProcess server() {
        return server;
    }

    @Override
    public void close() {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            knot.close();
        }
    }
}
