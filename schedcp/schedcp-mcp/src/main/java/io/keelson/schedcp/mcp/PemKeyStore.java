package io.keelson.schedcp.mcp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;

/**
 * A key store from the PEM files the rest of Keelson uses for TLS (a certificate chain and its PKCS#8 private key,
 * {@code -----BEGIN PRIVATE KEY-----}, as {@code openssl req -nodes} writes it), for servers that take a JSSE key store.
 */
final class PemKeyStore {

    static final char[] PASSWORD = "keelson".toCharArray(); // in memory only: the key store is never written

    private PemKeyStore() {
    }

    static KeyStore load(Path certificateChain, Path privateKey) throws IOException, GeneralSecurityException {
        List<? extends Certificate> chain;
        try (InputStream in = Files.newInputStream(certificateChain)) {
            chain = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
        }
        if (chain.isEmpty()) {
            throw new GeneralSecurityException(certificateChain + ": no certificate");
        }
        String pem = Files.readString(privateKey);
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new GeneralSecurityException(privateKey + ": not a PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----); convert with openssl pkcs8 -topk8 -nocrypt");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + "-----BEGIN PRIVATE KEY-----".length(), end));
        PrivateKey key = null;
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                break;
            } catch (GeneralSecurityException notThisOne) {
                // try the next algorithm
            }
        }
        if (key == null) {
            throw new GeneralSecurityException(privateKey + ": an RSA, EC or Ed25519 key was expected");
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", key, PASSWORD, chain.toArray(Certificate[]::new));
        return store;
    }
}
