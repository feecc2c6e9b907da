package io.keelson.schedcp.service;

import io.keelson.common.grpc.ServiceMain;
import org.postgresql.ds.PGSimpleDataSource;

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
        String url = System.getenv("KEELSON_SCHEDCP_JDBC_URL");
        SchedCpSystem system;
        if (url == null || url.isBlank()) {
            system = SchedCpSystem.start(state, schedulers);
        } else {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setUrl(url);
            ds.setUser(System.getenv().getOrDefault("KEELSON_SCHEDCP_JDBC_USER", "keelson"));
            ds.setPassword(System.getenv().getOrDefault("KEELSON_SCHEDCP_JDBC_PASSWORD", ""));
            String schema = System.getenv().getOrDefault("KEELSON_SCHEDCP_JDBC_SCHEMA", "schedcp");
            ds.setCurrentSchema(schema);
            system = SchedCpSystem.startOnPostgres(state, schedulers, ds, schema);
        }
        ServiceMain.serve(ServiceMain.start(args, system.service()), system::close);
    }
}
