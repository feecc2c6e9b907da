package io.keelson.agentcgroup.service;

import io.keelson.agentcgroup.core.sandbox.PostgresSessionLedger;
import io.keelson.agentcgroup.core.sandbox.SessionLedger;
import io.keelson.common.events.EventBus;
import io.keelson.common.events.EventBuses;
import io.keelson.common.grpc.NodeName;
import io.keelson.common.grpc.ServiceMain;
import io.keelson.common.jdbc.PostgresPool;

import java.util.Optional;

/**
 * agentcgroup as its own process (cluster mode, a DaemonSet per node once it manages cgroups):
 * {@code java -cp <classpath> io.keelson.agentcgroup.service.AgentCgroupServer [port [cert.pem key.pem client-ca.pem]]}.
 * Session working directories live under {@code $KEELSON_HOME/agentcgroup}; at start the cgroups and processes a
 * previous run left are reaped. {@code KEELSON_AGENTCGROUP_BACKEND} picks the cgroups: {@code auto} (default: the
 * kernel's where writable, else emulated), {@code kernel} or {@code emulated}. Session and tool-call events go to Kafka
 * where {@code KEELSON_KAFKA_BOOTSTRAP} is set ({@link EventBuses#fromEnvironment}). With {@code KEELSON_AGENTCGROUP_JDBC_URL}
 * ({@code _USER}, {@code _PASSWORD}, {@code _SCHEMA} default agentcgroup) sessions and their finished calls are also kept in
 * PostgreSQL, as node {@code KEELSON_NODE_NAME} (default the host name). Prints {@code LISTENING <port>} once it serves.
 */
public final class AgentCgroupServer {

    private AgentCgroupServer() {
    }

    public static void main(String[] args) throws Exception {
        CgroupBackend backend = CgroupBackend.parse(System.getenv().getOrDefault("KEELSON_AGENTCGROUP_BACKEND", "auto"),
                "KEELSON_AGENTCGROUP_BACKEND");
        EventBus bus = EventBuses.fromEnvironment(System.getenv());
        Optional<PostgresPool.Pooled> database = PostgresPool.fromEnv(System.getenv(), "AGENTCGROUP", "agentcgroup");
        SessionLedger ledger = database.isEmpty() ? SessionLedger.NONE
                : PostgresSessionLedger.open(database.get().dataSource(), database.get().schema());
        String node = NodeName.of(System.getenv());
        AgentCgroupSystem system = AgentCgroupSystem.start(ServiceMain.home().resolve("agentcgroup"), AgentCgroupSystem.DEFAULT_ALLOWED_COMMANDS,
                backend, bus, ledger, node);
        ServiceMain.serve(ServiceMain.start(args, system.service()), () -> {
            system.close();
            bus.close();
        });
    }
}
