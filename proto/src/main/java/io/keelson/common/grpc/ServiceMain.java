package io.keelson.common.grpc;

import io.grpc.BindableService;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import io.keelson.common.v1.GetNodeRequest;
import io.keelson.common.v1.GetNodeResponse;
import io.keelson.common.health.HealthEndpoint;
import io.keelson.common.v1.NodeServiceGrpc;

import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What every system's standalone server shares: the arguments {@code [port [cert.pem key.pem client-ca.pem]]}
 * (port 0 picks a free one; with the three PEM files, TLS that requires a client certificate signed by the
 * CA, i.e. the gateway's mTLS), and the {@code LISTENING <port>} line scripts and tests wait for.
 */
public final class ServiceMain {

    private ServiceMain() {
    }

    /** {@code $KEELSON_HOME}, else {@code ~/.keelson}: where a standalone service keeps its state. */
    public static java.nio.file.Path home() {
        return java.nio.file.Path.of(System.getenv().getOrDefault("KEELSON_HOME", System.getProperty("user.home") + "/.keelson"));
    }

    public static int port(String[] args) {
        return args.length > 0 ? Integer.parseInt(args[0]) : 0;
    }

    public static ServerCredentials credentials(String[] args) throws IOException {
        if (args.length < 4) {
            return InsecureServerCredentials.create();
        }
        return TlsServerCredentials.newBuilder()
                .keyManager(new File(args[1]), new File(args[2]))
                .trustManager(new File(args[3]))
                .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
                .build();
    }

    /**
     * Starts a server with {@code service}, the gRPC health service and {@code NodeService} (this process's
     * {@link NodeName}), on the port and credentials {@code args} give.
     */
    public static Server start(String[] args, BindableService service) throws IOException {
        String node = NodeName.of(System.getenv());
        return Grpc.newServerBuilderForPort(port(args), credentials(args))
                .addService(service)
                .addService(new HealthStatusManager().getHealthService())
                .addService(new NodeServiceGrpc.NodeServiceImplBase() {
                    @Override
                    public void getNode(GetNodeRequest request, StreamObserver<GetNodeResponse> out) {
                        out.onNext(GetNodeResponse.newBuilder().setNode(node).build());
                        out.onCompleted();
                    }
                })
                .build()
                .start();
    }

    /**
     * Prints {@code LISTENING <port>} and waits until the server terminates; {@code onShutdown} runs on SIGTERM. With
     * {@code KEELSON_HEALTH_PORT}, also answers the kubelet's HTTP probes there ({@link HealthEndpoint}): live while
     * the server runs, ready while it serves (and prints {@code HEALTH <port>} first).
     */
    public static void serve(Server server, Runnable onShutdown) throws InterruptedException, IOException {
        OptionalInt healthPort = healthPort(System.getenv());
        Optional<HealthEndpoint> health = healthPort.isEmpty() ? Optional.empty() : Optional.of(HealthEndpoint.serve(healthPort.getAsInt(),
                List.of(new HealthEndpoint.Check("grpc server running", () -> !server.isTerminated())),
                List.of(new HealthEndpoint.Check("grpc server serving", () -> !server.isShutdown()))));
        health.ifPresent(h -> System.out.println("HEALTH " + h.port()));
        System.out.println("LISTENING " + server.getPort());
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdownNow();
            onShutdown.run();
            health.ifPresent(HealthEndpoint::close);
        }));
        server.awaitTermination();
    }

    /** {@code KEELSON_HEALTH_PORT}: 0..65535 (0 picks one), or absent; anything else is refused naming it. */
    static OptionalInt healthPort(Map<String, String> env) {
        String value = env.getOrDefault("KEELSON_HEALTH_PORT", "").strip();
        if (value.isEmpty()) {
            return OptionalInt.empty();
        }
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65535) {
                return OptionalInt.of(port);
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException("KEELSON_HEALTH_PORT: a port 0..65535, was '" + value + "'");
    }
}
