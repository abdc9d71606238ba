package dev.meshdns.it;

import static dev.meshdns.it.support.MessageAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.meshdns.it.support.Catalog;
import dev.meshdns.it.support.ControlPlaneProcess;
import dev.meshdns.it.support.Poll;
import dev.meshdns.it.support.Replies;
import dev.meshdns.it.support.ServerFlags;
import dev.meshdns.it.support.ServerProcess;
import dev.meshdns.it.support.TestCertificates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * mesh-dns fed by the reference control plane over TLS ({@code control-plane --tls-cert --tls-key},
 * {@code serve --control-plane-ca}) and mutual TLS ({@code --tls-client-ca}, {@code serve
 * --control-plane-cert --control-plane-key}), with certificates openssl makes for this run. A
 * handshake that cannot succeed (no client certificate, an unknown CA) means no sync at all: zone
 * names answer SERVFAIL as on a fresh server, and mesh-dns's log says why on every attempt. Each
 * test has its own control plane and mesh-dns.
 */
class ControlPlaneTlsIT {
    static final Duration SYNC_DEADLINE = Duration.ofSeconds(10);
    static final String NAME = "backend.mesh.";

    @TempDir
    static Path certificateDir;
    static TestCertificates certificates;

    @TempDir
    Path dir;
    ControlPlaneProcess controlPlane;
    ServerProcess server;

    @BeforeAll
    static void makeCertificates() {
        certificates = TestCertificates.generate(certificateDir);
    }

    @AfterEach
    void stopAll() {
        if (server != null) {
            server.close();
        }
        if (controlPlane != null) {
            controlPlane.close();
        }
    }

    /** A control plane serving TLS with the server certificate; mutual TLS unless {@code clientCa} is null. */
    private void startControlPlane(Path clientCa) {
        List<String> flags = new ArrayList<>(List.of("--tls-cert", certificates.serverCert().toString(),
                "--tls-key", certificates.serverKey().toString()));
        if (clientCa != null) {
            flags.addAll(List.of("--tls-client-ca", clientCa.toString()));
        }
        Path catalog = dir.resolve("catalog.yaml");
        Catalog.example().writeTo(catalog);
        controlPlane = ControlPlaneProcess.startAndWait(catalog, flags);
    }

    private void startServer(Path ca, Path clientCert, Path clientKey) {
        ServerFlags flags = ServerFlags.defaults()
                .with("--control-plane", controlPlane.target())
                .with("--node-id", "tls-it")
                .with("--control-plane-ca", ca.toString());
        if (clientCert != null) {
            flags = flags.with("--control-plane-cert", clientCert.toString())
                    .with("--control-plane-key", clientKey.toString());
        }
        server = ServerProcess.startAndWait(null, dir.resolve("data"), flags);
    }

    private Message awaitSynced() {
        return Poll.until(SYNC_DEADLINE, () -> server.client().query(NAME, Type.A), r -> r.getRcode() == Rcode.NOERROR);
    }

    /**
     * Waits until two connection attempts in a row failed for this reason (the retry too), and
     * returns the first such log line.
     */
    private String awaitTwoFailedAttempts(String... reason) {
        String log = Poll.until(SYNC_DEADLINE, server::log, text -> failedAttempts(text, reason).size() >= 2);
        List<String> failed = failedAttempts(log, reason);
        assertThat(failed).as("'control plane unavailable' lines with %s in the mesh-dns log:%n%s",
                Arrays.toString(reason), log).hasSizeGreaterThanOrEqualTo(2);
        return failed.get(0);
    }

    private static List<String> failedAttempts(String log, String... reason) {
        return log.lines()
                .filter(line -> line.contains("control plane unavailable (UNAVAILABLE"))
                .filter(line -> Arrays.stream(reason).allMatch(
                        part -> line.toLowerCase(Locale.ROOT).contains(part.toLowerCase(Locale.ROOT))))
                .toList();
    }

    private void assertNeverSynced() {
        assertThat(server.client().query(NAME, Type.A)).hasRcode(Rcode.SERVFAIL);
        assertThat(server.admin().get("/ready").statusCode()).isEqualTo(503);
        assertThat(controlPlane.log()).as("control-plane log").doesNotContain("opened:");
    }

    @Test
    void namesSyncOverTlsWhenMeshDnsTrustsTheControlPlanesCa() throws Exception {
        startControlPlane(null);
        startServer(certificates.ca(), null, null);

        Message reply = awaitSynced();

        assertThat(reply).isAuthoritative();
        assertThat(Replies.isInPool(Replies.vipOf(reply))).as("VIP from the pool").isTrue();
        assertThat(controlPlane.log()).contains("type.googleapis.com/meshdns.v1.ServiceEntry, TLS)")
                .contains("(node \"tls-it\") opened");
    }

    @Test
    void namesSyncOverMutualTlsWithAClientCertificateOfTheTrustedCa() throws Exception {
        startControlPlane(certificates.ca());
        startServer(certificates.ca(), certificates.clientCert(), certificates.clientKey());

        Message reply = awaitSynced();

        assertThat(reply).isAuthoritative();
        assertThat(Replies.isInPool(Replies.vipOf(reply))).as("VIP from the pool").isTrue();
        assertThat(controlPlane.log()).contains("type.googleapis.com/meshdns.v1.ServiceEntry, mutual TLS)")
                .contains("(node \"tls-it\") opened");
    }

    @Test
    void withoutAClientCertificateAMutualTlsControlPlaneIsNeverSyncedAndTheLogSaysWhy() {
        startControlPlane(certificates.ca());
        startServer(certificates.ca(), null, null);

        String failure = awaitTwoFailedAttempts("certificate_required");

        assertThat(failure).contains("UNAVAILABLE: ssl exception");
        assertNeverSynced();
    }

    @Test
    void trustingAnotherCaMeshDnsIsNeverSyncedAndTheLogSaysWhy() {
        startControlPlane(null);
        startServer(certificates.otherCa(), null, null);

        String failure = awaitTwoFailedAttempts("SSLHandshakeException", "certification path");

        assertThat(failure).contains("unable to find valid certification path to requested target");
        assertNeverSynced();
    }
}
