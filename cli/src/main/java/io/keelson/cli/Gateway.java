package io.keelson.cli;

import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptor;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** A connection to the gateway that sends the caller's token with every call. */
final class Gateway implements AutoCloseable {

    private final ManagedChannel channel;
    private final ClientInterceptor callHeaders;

    private Gateway(ManagedChannel channel, String token, Optional<String> node) {
        this.channel = channel;
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        node.ifPresent(n -> headers.put(Metadata.Key.of("keelson-node", Metadata.ASCII_STRING_MARSHALLER), n));
        this.callHeaders = MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    /** @param node the node calls to a system with an instance per node are for ({@code keelson-node}) */
    static Gateway open(String target, String token, Optional<Path> tlsCa, Optional<String> node) {
        ChannelCredentials credentials;
        try {
            credentials = tlsCa.isPresent() ? TlsChannelCredentials.newBuilder().trustManager(tlsCa.get().toFile()).build()
                    : InsecureChannelCredentials.create();
        } catch (IOException e) {
            throw new UncheckedIOException("--tls-ca: " + e.getMessage(), e);
        }
        return new Gateway(Grpc.newChannelBuilder(target, credentials).build(), token, node);
    }

    /** A stub of {@code factory}'s service, as the caller, each call within {@code seconds}. */
    <S extends AbstractStub<S>> S stub(Function<io.grpc.Channel, S> factory, long seconds) {
        return factory.apply(channel).withInterceptors(callHeaders).withDeadlineAfter(seconds, TimeUnit.SECONDS);
    }

    <S extends AbstractStub<S>> S stub(Function<io.grpc.Channel, S> factory) {
        return stub(factory, 30);
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
