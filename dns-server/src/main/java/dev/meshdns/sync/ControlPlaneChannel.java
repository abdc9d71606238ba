package dev.meshdns.sync;

import dev.meshdns.config.ControlPlaneConfig;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;

/**
 * The gRPC channel to the control plane: its credentials, and what a failed call says on one log
 * line. Stateless.
 */
final class ControlPlaneChannel {

    private ControlPlaneChannel() {
    }

    /** Plaintext, or TLS with the configured CA and, for mutual TLS, client certificate and key. */
    static ChannelCredentials credentials(ControlPlaneConfig config) throws IOException {
        if (!config.usesTls()) {
            return InsecureChannelCredentials.create();
        }
        TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
        if (config.caFile() != null) {
            tls.trustManager(config.caFile().toFile());
        }
        if (config.certFile() != null) {
            tls.keyManager(config.certFile().toFile(), config.keyFile().toFile());
        }
        return tls.build();
    }

    /**
     * The code, the first line of the description (gRPC appends the channel pipeline to some) and
     * the cause: why a TLS handshake failed (an unknown CA, a missing client certificate) is only
     * there, behind {@code UNAVAILABLE: ssl exception}.
     */
    static String describe(Status status) {
        StringBuilder text = new StringBuilder(status.getCode().toString());
        if (status.getDescription() != null) {
            text.append(": ").append(status.getDescription().lines().findFirst().orElse(""));
        }
        Throwable cause = status.getCause();
        if (cause != null) {
            Throwable root = cause;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            text.append(" (").append(cause.getClass().getSimpleName());
            if (root.getMessage() != null) {
                text.append(": ").append(root.getMessage());
            }
            text.append(')');
        }
        return text.toString();
    }}
