package io.keelson.acrfence.service;

import io.keelson.common.grpc.ServiceMain;

import java.nio.file.Path;

/**
 * acrfence as its own process (cluster mode):
 * {@code java -cp <classpath> io.keelson.acrfence.service.AcrFenceServer [port [cert.pem key.pem client-ca.pem]]}.
 * The journal lives under {@code $KEELSON_HOME/acrfence}, or in PostgreSQL where {@code KEELSON_ACRFENCE_JDBC_URL} is set
 * (with {@code _USER}, {@code _PASSWORD}, {@code _SCHEMA}, default {@code acrfence}); one gateway per journal. Prints
 * {@code LISTENING <port>} once it serves.
 */
public final class AcrFenceServer {

    private AcrFenceServer() {
    }

    public static void main(String[] args) throws Exception {
        Path home = ServiceMain.home().resolve("acrfence");
        java.util.Set<String> toolHosts = System.getenv().containsKey("KEELSON_ACRFENCE_TOOL_HOSTS")
                ? java.util.Set.of(System.getenv("KEELSON_ACRFENCE_TOOL_HOSTS").split(",")) : AcrFenceSystem.DEFAULT_TOOL_HOSTS;
        String url = System.getenv("KEELSON_ACRFENCE_JDBC_URL");
        AcrFenceSystem system;
        if (url == null || url.isBlank()) {
            system = AcrFenceSystem.start(home, toolHosts);
        } else {
            org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
            ds.setUrl(url);
            ds.setUser(System.getenv().getOrDefault("KEELSON_ACRFENCE_JDBC_USER", "keelson"));
            ds.setPassword(System.getenv().getOrDefault("KEELSON_ACRFENCE_JDBC_PASSWORD", ""));
            String schema = System.getenv().getOrDefault("KEELSON_ACRFENCE_JDBC_SCHEMA", "acrfence");
            ds.setCurrentSchema(schema);
            system = AcrFenceSystem.startOnPostgres(home, ds, schema, toolHosts);
        }
        ServiceMain.serve(ServiceMain.start(args, system.service()), system::close);
    }
}
