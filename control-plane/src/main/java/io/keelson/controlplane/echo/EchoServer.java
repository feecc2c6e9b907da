package io.keelson.controlplane.echo;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.protobuf.services.HealthStatusManager;

import java.io.IOException;

/**
 * The echo system as its own process, for cluster-mode checks and the gateway benchmark:
 * {@code java -cp <classpath> io.keelson.controlplane.echo.EchoServer [port]} (0 picks a free port).
 * Prints {@code LISTENING <port>} once it serves, then runs until killed.
 */
public final class EchoServer {

    private EchoServer() {
    }

    public static Server start(int port) throws IOException {
        return Grpc.newServerBuilderForPort(port, InsecureServerCredentials.create())
                .directExecutor()
                .addService(new EchoService().definition())
                .addService(new HealthStatusManager().getHealthService())
                .build()
                .start();
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        Server server = start(port);
        System.out.println("LISTENING " + server.getPort());
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow));
        server.awaitTermination();
    }
}
