package io.keelson.controlplane.testing;

import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.keelson.controlplane.v1.ControlPlaneServiceGrpc;
import io.keelson.echo.v1.EchoServiceGrpc;

import java.util.concurrent.TimeUnit;

/** A client of the gateway's port, calling as whichever token it is given. */
public final class GatewayClient implements AutoCloseable {

    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> NODE = Metadata.Key.of("keelson-node", Metadata.ASCII_STRING_MARSHALLER);

    private final ManagedChannel channel;

    private GatewayClient(ManagedChannel channel) {
        this.channel = channel;
    }

    public static GatewayClient connect(int gatewayPort) {
        return new GatewayClient(Grpc.newChannelBuilderForAddress("127.0.0.1", gatewayPort, InsecureChannelCredentials.create()).build());
    }

    /** {@code channel} sending {@code authorization: Bearer <bearer>}; the bare channel when {@code bearer} is null. */
    public static Channel withBearer(Channel channel, String bearer) {
        if (bearer == null) {
            return channel;
        }
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + bearer);
        return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    public Channel as(String bearer) {
        return withBearer(channel, bearer);
    }

    /** {@code channel} also naming the node its calls are for ({@code keelson-node}), as for agentcgroup and schedcp. */
    public static Channel onNode(Channel channel, String node) {
        Metadata headers = new Metadata();
        headers.put(NODE, node);
        return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    public EchoServiceGrpc.EchoServiceBlockingStub echo(String bearer) {
        return EchoServiceGrpc.newBlockingStub(as(bearer)).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    public ControlPlaneServiceGrpc.ControlPlaneServiceBlockingStub controlPlane(String bearer) {
        return ControlPlaneServiceGrpc.newBlockingStub(as(bearer)).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
