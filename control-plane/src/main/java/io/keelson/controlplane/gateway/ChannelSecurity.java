package io.keelson.controlplane.gateway;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Credentials the gateway presents to remote systems: plaintext, or mutual TLS when a client
 * certificate, its key and the CA that signed the services' certificates are configured.
 */
public record ChannelSecurity(Optional<Path> clientCert, Optional<Path> clientKey, Optional<Path> trustedCa) {

    public boolean mutualTls() {
        return clientCert.isPresent();
    }

    ChannelCredentials credentials() {
        if (!mutualTls()) {
            return InsecureChannelCredentials.create();
        }
        try {
            return TlsChannelCredentials.newBuilder()
                    .keyManager(clientCert.get().toFile(), clientKey.orElseThrow().toFile())
                    .trustManager(trustedCa.orElseThrow().toFile())
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the gateway's mTLS files", e);
        }
    }
}
