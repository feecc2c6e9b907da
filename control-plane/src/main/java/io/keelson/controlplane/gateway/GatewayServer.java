package io.keelson.controlplane.gateway;

import io.grpc.BindableService;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ServerBuilder;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.Server;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.TlsServerCredentials;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;

import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The one gRPC port of the platform: the control-plane API, every routed system, gRPC health and
 * reflection, all behind the same interceptors (tracing, then observing, then authentication).
 */
public final class GatewayServer implements AutoCloseable {

    /** Server-side TLS for clients of the gateway; with {@code clientCa} set, clients must present a certificate. */
    public record Tls(Path cert, Path key, Optional<Path> clientCa) {
    }

    private final Server server;
    private final Server inProcess;
    private final String inProcessName;
    private final HealthStatusManager health = new HealthStatusManager();

    public GatewayServer(String host, int port, Optional<Tls> tls, NettyTransport transport, ExecutorService blockingPool,
                         BindableService controlPlane, RoutedServices routed,
                         List<ServerInterceptor> interceptorsOutermostFirst) {
        String blockingService = controlPlane.bindService().getServiceDescriptor().getName();
        var netty = NettyServerBuilder.forAddress(new InetSocketAddress(host, port), credentials(tls))
                .bossEventLoopGroup(transport.loops())
                .workerEventLoopGroup(transport.loops())
                .channelType(transport.serverChannelType())
                // Relays, auth and audit never block, so they run on the transport threads; only the
                // control-plane RPCs (state store, health probes) get the worker pool.
                .directExecutor()
                .callExecutor(new ServerCallExecutorSupplier() {
                    @Override
                    public <Q, R> Executor getExecutor(ServerCall<Q, R> call, Metadata metadata) {
                        return blockingService.equals(call.getMethodDescriptor().getServiceName()) ? blockingPool : null;
                    }
                });
        this.server = withGateway(netty, controlPlane, routed, interceptorsOutermostFirst).build();
        // The same services behind the same interceptors, for clients inside this JVM (the web console):
        // they present tokens, are authorised and audited like any other caller.
        this.inProcessName = "keelson-gateway-" + UUID.randomUUID();
        this.inProcess = withGateway(InProcessServerBuilder.forName(inProcessName).executor(blockingPool),
                controlPlane, routed, interceptorsOutermostFirst).build();
    }

    private <B extends ServerBuilder<B>> B withGateway(B builder, BindableService controlPlane, RoutedServices routed,
                                                       List<ServerInterceptor> interceptorsOutermostFirst) {
        builder.addService(controlPlane)
                .addService(health.getHealthService())
                .addService(ProtoReflectionServiceV1.newInstance())
                .addService(ProtoReflectionService.newInstance())
                .fallbackHandlerRegistry(routed.fallback());
        for (ServerServiceDefinition definition : routed.definitions()) {
            builder.addService(definition);
        }
        // ServerBuilder.intercept runs the last-added interceptor first.
        for (int i = interceptorsOutermostFirst.size() - 1; i >= 0; i--) {
            builder.intercept(interceptorsOutermostFirst.get(i));
        }
        return builder;
    }

    /** A channel into the gateway from inside this JVM: same authentication, roles and audit as the port. */
    public ManagedChannel inProcessChannel() {
        return InProcessChannelBuilder.forName(inProcessName).build();
    }

    public GatewayServer start() {
        try {
            server.start();
            inProcess.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the gateway port: " + e.getMessage(), e);
        }
        return this;
    }

    public int port() {
        return server.getPort();
    }

    public boolean isRunning() {
        return !server.isShutdown() && !server.isTerminated();
    }

    @Override
    public void close() {
        health.enterTerminalState();
        inProcess.shutdownNow();
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private static ServerCredentials credentials(Optional<Tls> tls) {
        if (tls.isEmpty()) {
            return InsecureServerCredentials.create();
        }
        try {
            TlsServerCredentials.Builder b = TlsServerCredentials.newBuilder()
                    .keyManager(tls.get().cert().toFile(), tls.get().key().toFile());
            if (tls.get().clientCa().isPresent()) {
                b.trustManager(tls.get().clientCa().get().toFile()).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
            }
            return b.build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the gateway TLS files", e);
        }
    }
}
