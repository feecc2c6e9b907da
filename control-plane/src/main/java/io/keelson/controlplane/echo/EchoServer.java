package io.keelson.controlplane.echo;

import io.grpc.Grpc;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.protobuf.services.HealthStatusManager;
import io.keelson.common.grpc.ServiceMain;

import java.io.IOException;

/**
 * The echo system as its own process, for cluster-mode checks and the gateway benchmark:
 * {@code java -cp <classpath> io.keelson.controlplane.echo.EchoServer [port [cert.pem key.pem client-ca.pem]]}
 * (port 0 picks a free one). With the three PEM files it serves TLS and requires a client
 * certificate signed by the CA (mTLS between gateway and service). Prints {@code LISTENING <port>}
 * once it serves, then runs until killed.
 */
public final class EchoServer {

    private EchoServer() {
    }

    public static Server start(int port, ServerCredentials credentials) throws IOException {
        return Grpc.newServerBuilderForPort(port, credentials)
                .directExecutor()
                .addService(new EchoService().definition())
                .addService(new HealthStatusManager().getHealthService())
                .build()
                .start();
    }

    public static void main(String[] args) throws Exception {
        Server server = start(ServiceMain.port(args), ServiceMain.credentials(args));
        ServiceMain.serve(server, () -> { });
    }
}
