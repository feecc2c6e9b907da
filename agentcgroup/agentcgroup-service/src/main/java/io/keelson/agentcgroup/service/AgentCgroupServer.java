package io.keelson.agentcgroup.service;

import io.grpc.Grpc;
import io.grpc.Server;
import io.grpc.protobuf.services.HealthStatusManager;
import io.keelson.common.grpc.ServiceMain;

import java.nio.file.Path;

/**
 * agentcgroup as its own process (cluster mode, a DaemonSet per node once it manages cgroups):
 * {@code java -cp <classpath> io.keelson.agentcgroup.service.AgentCgroupServer [port [cert.pem key.pem client-ca.pem]]}.
 * Session working directories live under {@code $KEELSON_HOME/agentcgroup}; at start the cgroups and processes a
 * previous run left are reaped. Prints {@code LISTENING <port>} once it serves.
 */
public final class AgentCgroupServer {

    private AgentCgroupServer() {
    }

    public static void main(String[] args) throws Exception {
        String home = System.getenv().getOrDefault("KEELSON_HOME", System.getProperty("user.home") + "/.keelson");
        AgentCgroupSystem system = AgentCgroupSystem.start(Path.of(home, "agentcgroup"), AgentCgroupSystem.DEFAULT_ALLOWED_COMMANDS);
        Server server = Grpc.newServerBuilderForPort(ServiceMain.port(args), ServiceMain.credentials(args))
                .addService(system.service())
                .addService(new HealthStatusManager().getHealthService())
                .build()
                .start();
        ServiceMain.serve(server, system::close);
    }
}
