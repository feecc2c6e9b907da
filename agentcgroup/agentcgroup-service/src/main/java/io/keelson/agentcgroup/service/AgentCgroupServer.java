package io.keelson.agentcgroup.service;

import io.grpc.Grpc;
import io.grpc.Server;
import io.grpc.protobuf.services.HealthStatusManager;
import io.keelson.common.grpc.ServiceMain;

/**
 * agentcgroup as its own process (cluster mode, a DaemonSet per node once it manages cgroups):
 * {@code java -cp <classpath> io.keelson.agentcgroup.service.AgentCgroupServer [port [cert.pem key.pem client-ca.pem]]}.
 * Prints {@code LISTENING <port>} once it serves.
 */
public final class AgentCgroupServer {

    private AgentCgroupServer() {
    }

    public static void main(String[] args) throws Exception {
        Server server = Grpc.newServerBuilderForPort(ServiceMain.port(args), ServiceMain.credentials(args))
                .addService(new AgentCgroupGrpcService())
                .addService(new HealthStatusManager().getHealthService())
                .build()
                .start();
        ServiceMain.serve(server, () -> { });
    }
}
