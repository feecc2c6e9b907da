package io.keelson.schedcp.service;

import io.keelson.common.grpc.ServiceMain;
import io.keelson.common.jdbc.PostgresPool;

import java.nio.file.Path;
import java.util.Optional;

/**
 * schedcp as its own process (cluster mode: a DaemonSet beside each node's kernel, behind the control plane's
 * gateway): {@code SchedCpServer PORT [cert.pem key.pem client-ca.pem]}; state in {@code $KEELSON_SCHEDCP_STATE}
 * (default {@code $KEELSON_HOME/schedcp}, like every standalone service's state), scheduler binaries from {@code $KEELSON_SCHEDCP_SCHEDULERS_DIR} (default /usr/bin). With
 * {@code $KEELSON_SCHEDCP_JDBC_URL} (and {@code _USER}, {@code _PASSWORD}, {@code _SCHEMA}, default schedcp) workload
 * history and created schedulers live in that PostgreSQL database, shared by every node.
 */
public final class SchedCpServer {

    private SchedCpServer() {
    }

    public static void main(String[] args) throws Exception {
        Path state = Optional.ofNullable(System.getenv("KEELSON_SCHEDCP_STATE")).map(Path::of).orElse(ServiceMain.home().resolve("schedcp"));
        Path schedulers = Path.of(System.getenv().getOrDefault("KEELSON_SCHEDCP_SCHEDULERS_DIR", "/usr/bin"));
        Optional<PostgresPool.Pooled> database = PostgresPool.fromEnv(System.getenv(), "SCHEDCP", "schedcp");
        SchedCpSystem system = database.isEmpty() ? SchedCpSystem.start(state, schedulers)
                : SchedCpSystem.startOnPostgres(state, schedulers, database.get().dataSource(), database.get().schema());
        ServiceMain.serve(ServiceMain.start(args, system.service()), system::close);
    }
}
