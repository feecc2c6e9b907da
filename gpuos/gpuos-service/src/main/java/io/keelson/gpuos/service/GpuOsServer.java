package io.keelson.gpuos.service;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.protobuf.services.HealthStatusManager;

import java.io.File;

/**
 * gpuos as its own process (cluster mode, one per GPU node):
 * {@code java -cp <classpath> io.keelson.gpuos.service.GpuOsServer [port [cert.pem key.pem client-ca.pem]]}.
 * With the three PEM files it serves TLS and requires a client certificate signed by the CA (the gateway's
 * mTLS). Prints {@code LISTENING <port>} once it serves; the control plane routes to it with
 * {@code keelson.systems.gpuos.address=<host>:<port>}.
 */
public final class GpuOsServer {

    private GpuOsServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        ServerCredentials credentials = args.length >= 4
                ? TlsServerCredentials.newBuilder()
                        .keyManager(new File(args[1]), new File(args[2]))
                        .trustManager(new File(args[3]))
                        .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
                        .build()
                : InsecureServerCredentials.create();
        GpuOsSystem system = GpuOsSystem.start();
        Server server = Grpc.newServerBuilderForPort(port, credentials)
                .addService(system.service())
                .addService(new HealthStatusManager().getHealthService())
                .build()
                .start();
        System.out.println("LISTENING " + server.getPort());
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdownNow();
            system.close();
        }));
        server.awaitTermination();
    }
}
