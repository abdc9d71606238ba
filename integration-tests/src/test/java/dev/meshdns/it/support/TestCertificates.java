package dev.meshdns.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Throwaway PEM certificates made with the {@code openssl} command at test time (none are
 * committed): a CA, a server certificate it signed for 127.0.0.1 and localhost, a client
 * certificate it signed, and a second CA that signed neither. EC P-256 keys in PKCS#8, as gRPC's
 * Netty wants them; valid for a day. Immutable.
 *
 * @param ca         the CA that signed the server and client certificates
 * @param serverCert server certificate, SAN IP:127.0.0.1 and DNS:localhost
 * @param serverKey  its private key
 * @param clientCert client certificate (extended key usage clientAuth)
 * @param clientKey  its private key
 * @param otherCa    an unrelated CA: trusting it alone, nothing here verifies
 */
public record TestCertificates(Path ca, Path serverCert, Path serverKey, Path clientCert, Path clientKey,
                               Path otherCa) {
    private static final long OPENSSL_SECONDS = 30;

    /** Makes every certificate and key in {@code dir}; fails saying so when openssl is missing. */
    public static TestCertificates generate(Path dir) {
        selfSignedCa(dir, "ca");
        selfSignedCa(dir, "other-ca");
        signed(dir, "server", "ca", 1, "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
        signed(dir, "client", "ca", 2, "extendedKeyUsage=clientAuth\n");
        return new TestCertificates(dir.resolve("ca.pem"), dir.resolve("server.pem"), dir.resolve("server.key"),
                dir.resolve("client.pem"), dir.resolve("client.key"), dir.resolve("other-ca.pem"));
    }

    private static void selfSignedCa(Path dir, String name) {
        openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", name + ".key", "-out", name + ".pem", "-days", "1", "-subj", "/CN=mesh-dns test " + name,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign");
    }

    private static void signed(Path dir, String name, String ca, int serial, String extensions) {
        try {
            Files.writeString(dir.resolve(name + ".ext"), extensions, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        openssl(dir, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=mesh-dns test " + name);
        openssl(dir, "x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key",
                "-set_serial", Integer.toString(serial), "-days", "1", "-extfile", name + ".ext", "-out", name + ".pem");
    }

    private static void openssl(Path dir, String... arguments) {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        Process process;
        try {
            process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("the openssl command is needed to make the test certificates and could not be"
                    + " run (" + e.getMessage() + "); install it, e.g. apt-get install -y openssl (.ci/run does)", e);
        }
        try {
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(OPENSSL_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in " + OPENSSL_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " exited with " + process.exitValue() + ":\n"
                        + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new AssertionError("interrupted while running " + String.join(" ", command), e);
        }
    }
}
