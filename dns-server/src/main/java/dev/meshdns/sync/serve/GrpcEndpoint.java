package dev.meshdns.sync.serve;

import dev.meshdns.config.HostPort;
import dev.meshdns.controlplane.MeshDnsControlPlane;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The gRPC server mesh-dns runs on {@code --grpc-listen}, with the services it serves: Delta ADS of
 * its entries with their VIPs ({@link ServedEntries}) and, with a store, {@code meshdns.v1.VipService}.
 * Thread-safe.
 */
public final class GrpcEndpoint implements Closeable {
    private final Server server;

    private GrpcEndpoint(Server server) {
        this.server = server;
    }

    /** Listens on {@code listen} (port 0 picks a free port) with these services. */
    public static GrpcEndpoint start(InetSocketAddress listen, List<ServerServiceDefinition> services)
            throws IOException {
        // A follower resuming sends every name and version it holds in its first request.
        NettyServerBuilder builder = NettyServerBuilder.forAddress(listen, InsecureServerCredentials.create())
                .maxInboundMessageSize(MeshDnsControlPlane.MAX_REQUEST_BYTES);
        for (ServerServiceDefinition service : services) {
            builder.addService(service);
        }
        try {
            return new GrpcEndpoint(builder.build().start());
        } catch (IOException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause(); // gRPC wraps the bind error ("Address already in use") twice
            }
            throw new IOException("cannot listen on --grpc-listen " + HostPort.text(listen) + ": " + root.getMessage(), e);
        }
    }

    /** Where it listens (the real port when port 0 was configured). */
    public InetSocketAddress address() {
        return (InetSocketAddress) server.getListenSockets().get(0);
    }

    /** Stops at once: open watches end. Idempotent. */
    @Override
    public void close() {
        server.shutdownNow();
    }
}
