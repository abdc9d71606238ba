package dev.meshdns.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * How to reach the xDS control plane: its address, the node id mesh-dns introduces itself with,
 * and TLS material (none: plaintext; a CA: TLS; a certificate and key too: mutual TLS). Part of
 * {@link ServerConfig}, validated with it. Immutable.
 *
 * @param target   {@code HOST:PORT}, resolved by gRPC when connecting (it may not resolve yet at start)
 * @param nodeId   the xDS node id
 * @param caFile   PEM trust roots for the control plane's certificate; null: plaintext unless a client
 *                 certificate is given (then the JVM's default roots)
 * @param certFile PEM client certificate chain for mutual TLS; null for none
 * @param keyFile  PEM private key of {@code certFile}; set exactly when it is
 */
public record ControlPlaneConfig(String target, String nodeId, Path caFile, Path certFile, Path keyFile) {

    /** True when the connection uses TLS. */
    public boolean usesTls() {
        return caFile != null || certFile != null;
    }

    /** Adds the problems of {@code config}; see {@link ServerConfigProblems} for {@code unparsed}. */
    static void problems(ControlPlaneConfig config, Set<String> unparsed, List<String> problems) {
        ServerConfigProblems.present("control-plane", config.target(), unparsed, problems);
        if (config.nodeId() == null || config.nodeId().isBlank()) {
            problems.add("node-id must not be blank (got \"" + config.nodeId() + "\")");
        }
        PemFiles.check("control-plane-ca", config.caFile(), problems);
        PemFiles.check("control-plane-cert", config.certFile(), problems);
        PemFiles.check("control-plane-key", config.keyFile(), problems);
        if ((config.certFile() == null) != (config.keyFile() == null)) {
            problems.add("control-plane-cert and control-plane-key are given together for mutual TLS (got only "
                    + (config.certFile() == null ? "control-plane-key" : "control-plane-cert") + ")");
        }
    }
}
