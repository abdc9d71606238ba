package dev.meshdns.controlplane;

import dev.meshdns.sync.v1.ServiceEntry;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embeddable xDS control plane for mesh-dns: serves {@code meshdns.v1.ServiceEntry} resources
 * over Envoy's {@code AggregatedDiscoveryService/DeltaAggregatedResources} and pushes every
 * change to every connected stream as a delta (one changed entry, one resource in one response).
 * A stream gets its response headers as soon as it is accepted, before any response (a resumed
 * client that is up to date gets no response; the headers tell it the stream is established).
 * Thread-safe: {@link #put}, {@link #remove} and {@link #replaceAll} may be called from any
 * thread; they return at once and are applied in call order on one thread
 * ({@code meshdns-control-plane}), which owns all stream state. After {@link #close} they throw
 * IllegalStateException.
 */
public final class MeshDnsControlPlane implements AutoCloseable {
    /** The xDS type URL of {@link ServiceEntry} resources; the resource name is the service. */
    public static final String TYPE_URL = "type.googleapis.com/meshdns.v1.ServiceEntry";
    /**
     * The largest request a Delta ADS server of this project takes. A client resuming a stream sends
     * every name and version it holds in its first request: some 32 bytes an entry with short names,
     * over 30 MB at a million services, past gRPC's default 4 MiB (about 120,000 entries), which failed
     * every resume with RESOURCE_EXHAUSTED. 128 MiB takes about 1.4 million entries of 63-character
     * names; responses stay split at 1 MiB.
     */
    public static final int MAX_REQUEST_BYTES = 128 << 20;
    private static final Logger log = LoggerFactory.getLogger(MeshDnsControlPlane.class);

    private final ServiceEntryPublisher publisher;
    private final Server server;
    private final InetSocketAddress listen;

    private MeshDnsControlPlane(InetSocketAddress listen, ServerCredentials credentials,
                                Map<String, VersionedEntry> initialEntries) throws IOException {
        this.publisher = ServiceEntryPublisher.serving("meshdns-control-plane");
        this.listen = listen;
        // Queued before the server starts, so before the first stream's first request.
        publisher.initial(initialEntries);
        try {
            // Credentials are turned into an SSL context here: a certificate or key that is not
            // PEM fails now, with IllegalArgumentException.
            this.server = NettyServerBuilder.forAddress(listen, credentials)
                    .maxInboundMessageSize(MAX_REQUEST_BYTES)
                    .addService(publisher.service())
                    .build()
                    .start();
        } catch (IOException e) {
            publisher.close();
            throw new IOException("cannot listen on " + listen + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            publisher.close();
            throw e;
        }
        log.info("xDS control plane listening on {} (Delta ADS, type {}, {})", address(), TYPE_URL,
                describe(credentials));
    }

    /** Starts a plaintext control plane; port 0 picks a free port (see {@link #address()}). */
    public static MeshDnsControlPlane start(InetSocketAddress listen) throws IOException {
        return start(listen, InsecureServerCredentials.create());
    }

    /**
     * Starts a control plane with these credentials, e.g. {@link TlsServerCredentials} (with
     * {@link TlsServerCredentials.ClientAuth#REQUIRE} for mutual TLS) or
     * {@link InsecureServerCredentials}; port 0 picks a free port (see {@link #address()}).
     */
    public static MeshDnsControlPlane start(InetSocketAddress listen, ServerCredentials credentials)
            throws IOException {
        return new MeshDnsControlPlane(Objects.requireNonNull(listen, "listen"),
                Objects.requireNonNull(credentials, "credentials"), Map.of());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Adds or replaces the entry named by its service; streams get it unless they hold this version. */
    public void put(ServiceEntry entry) {
        open().put(entry);
    }

    /** Removes the service's entry, if any; streams holding it get it in {@code removed_resources}. */
    public void remove(String service) {
        open().remove(service);
    }

    /**
     * Makes these the served entries: each stream gets what changed and the removals, nothing for
     * an unchanged entry. Throws IllegalArgumentException for an entry without a service name or
     * two entries with the same one (nothing is applied then).
     */
    public void replaceAll(Collection<ServiceEntry> entries) {
        open().replaceAll(entries);
    }

    private ServiceEntryPublisher open() {
        if (server.isShutdown()) {
            throw new IllegalStateException("control plane on " + listen + " is closed");
        }
        return publisher;
    }

    private static String describe(ServerCredentials credentials) {
        if (credentials instanceof InsecureServerCredentials) {
            return "plaintext";
        }
        if (credentials instanceof TlsServerCredentials tls) {
            return tls.getClientAuth() == TlsServerCredentials.ClientAuth.REQUIRE ? "mutual TLS" : "TLS";
        }
        return credentials.getClass().getSimpleName();
    }

    /** The address the server listens on, with the actual port. */
    public InetSocketAddress address() {
        return (InetSocketAddress) server.getListenSockets().get(0);
    }

    /** Ends every stream (clients then reconnect elsewhere or later) and stops. Idempotent. */
    @Override
    public void close() {
        if (server.isShutdown()) {
            return;
        }
        // New streams are refused first (a client would otherwise reconnect at once to a server that
        // is going away), then open streams are ended, then the thread their last callbacks run on.
        server.shutdown();
        publisher.close();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
        log.info("xDS control plane on {} stopped", listen);
    }

    /**
     * Options of a control plane: listen address (default 127.0.0.1:18000), TLS and the entries it
     * serves from the start. Not thread-safe.
     */
    public static final class Builder {
        private InetSocketAddress listen = new InetSocketAddress("127.0.0.1", 18000);
        private Map<String, VersionedEntry> entries = Map.of();
        private Path certChain;
        private Path privateKey;
        private Path clientCa;

        private Builder() {
        }

        public Builder listen(InetSocketAddress address) {
            this.listen = Objects.requireNonNull(address, "address");
            return this;
        }

        /**
         * The entries served from the first stream on (default none). Better than {@link #put} after
         * {@link #start}: a client that connected in between would be sent an empty state, and told
         * to remove whatever it held. Throws IllegalArgumentException as {@link #replaceAll} does.
         */
        public Builder entries(Collection<ServiceEntry> entries) {
            this.entries = ServiceEntryPublisher.byName(Objects.requireNonNull(entries, "entries"));
            return this;
        }

        /** Serves TLS with this PEM certificate chain and PKCS#8 PEM private key. */
        public Builder tls(Path certChain, Path privateKey) {
            this.certChain = Objects.requireNonNull(certChain, "certChain");
            this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
            return this;
        }

        /** Requires client certificates signed by these PEM CA certificates (mTLS); needs {@link #tls}. */
        public Builder clientCa(Path caCertificates) {
            this.clientCa = Objects.requireNonNull(caCertificates, "caCertificates");
            return this;
        }

        /**
         * Starts the control plane; IOException when a file cannot be read or the address is taken,
         * IllegalArgumentException naming the files when they are not a PEM certificate and key.
         */
        public MeshDnsControlPlane start() throws IOException {
            ServerCredentials credentials = credentials();
            try {
                return new MeshDnsControlPlane(listen, credentials, entries);
            } catch (IllegalArgumentException e) {
                if (certChain == null) {
                    throw e;
                }
                throw new IllegalArgumentException("cannot serve TLS with certificate chain " + certChain
                        + ", key " + privateKey + (clientCa == null ? "" : " and client CA " + clientCa)
                        + ": " + e.getMessage(), e);
            }
        }

        private ServerCredentials credentials() throws IOException {
            if (certChain == null) {
                if (clientCa != null) {
                    throw new IllegalStateException("clientCa (mTLS) needs tls(certChain, privateKey) too");
                }
                return InsecureServerCredentials.create();
            }
            TlsServerCredentials.Builder tls = TlsServerCredentials.newBuilder()
                    .keyManager(certChain.toFile(), privateKey.toFile());
            if (clientCa != null) {
                tls.trustManager(clientCa.toFile()).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
            }
            return tls.build();
        }
    }
}
