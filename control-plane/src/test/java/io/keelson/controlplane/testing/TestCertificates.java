package io.keelson.controlplane.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away CA with a server certificate for 127.0.0.1 and a client certificate, made with the
 * {@code openssl} command ({@code ./keelson test} installs it). Skipped, with the reason, without it.
 */
public record TestCertificates(Path ca, Path serverCert, Path serverKey, Path clientCert, Path clientKey) {

    /** In a fresh temporary directory. */
    public static TestCertificates create() {
        try {
            return create(Files.createTempDirectory("keelson-certs"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static TestCertificates create(Path dir) {
        try {
            run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
                    "-days", "2", "-subj", "/CN=keelson-test-ca");
            issue(dir, "server", "/CN=echo", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
            issue(dir, "client", "/CN=keelson-gateway", "extendedKeyUsage=clientAuth\n");
        } catch (IOException e) {
            Assumptions.abort("openssl is not available to make test certificates: " + e.getMessage());
        }
        return new TestCertificates(dir.resolve("ca.pem"), dir.resolve("server.pem"), dir.resolve("server.key"),
                dir.resolve("client.pem"), dir.resolve("client.key"));
    }

    /**
     * The certificates {@code deploy/helm/dev-ca.sh} makes for a cluster's gateway ⇄ systems mTLS (its server
     * certificate also names 127.0.0.1), so the tests that use them check the script as well.
     */
    public static TestCertificates fromDevCa() {
        try {
            Path dir = Files.createTempDirectory("keelson-dev-ca");
            run(Path.of(".").toAbsolutePath(), "bash", "../deploy/helm/dev-ca.sh", "keelson", "test", dir.toString());
            return new TestCertificates(dir.resolve("ca.crt"), dir.resolve("service.crt"), dir.resolve("service.key"),
                    dir.resolve("gateway.crt"), dir.resolve("gateway.key"));
        } catch (IOException e) {
            Assumptions.abort("openssl is not available to make test certificates: " + e.getMessage());
            throw new IllegalStateException(e);
        }
    }

    private static void issue(Path dir, String name, String subject, String extensions) throws IOException {
        Files.writeString(dir.resolve(name + ".ext"), extensions);
        run(dir, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr", "-subj", subject);
        run(dir, "openssl", "x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", name + ".pem", "-days", "2", "-extfile", name + ".ext");
    }

    private static void run(Path dir, String... cmd) throws IOException {
        Process p = new ProcessBuilder(List.of(cmd)).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
