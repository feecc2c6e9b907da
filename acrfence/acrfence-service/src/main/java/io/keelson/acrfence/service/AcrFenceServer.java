package io.keelson.acrfence.service;

import io.keelson.common.grpc.ServiceMain;
import io.keelson.common.jdbc.PostgresPool;

import java.nio.file.Path;
import java.util.Optional;

/**
 * acrfence as its own process (cluster mode):
 * {@code java -cp <classpath> io.keelson.acrfence.service.AcrFenceServer [port [cert.pem key.pem client-ca.pem]]}.
 * The journal lives under {@code $KEELSON_HOME/acrfence}, or in PostgreSQL where {@code KEELSON_ACRFENCE_JDBC_URL} is set
 * (with {@code _USER}, {@code _PASSWORD}, {@code _SCHEMA}, default {@code acrfence}); one gateway per journal. Prints
 * {@code LISTENING <port>} once it serves. {@code KEELSON_ACRFENCE_FAILPOINT=halt-at:<BOUNDARY>} (crash tests only) kills it at a
 * persistence boundary.
 */
public final class AcrFenceServer {

    private AcrFenceServer() {
    }

    /**
     * Fault injection for crash tests: {@code halt-at:<BOUNDARY>} stops the process dead (no shutdown hook, as kill -9)
     * the first time a call reaches that persistence boundary. Empty: none.
     */
    static java.util.function.Consumer<io.keelson.acrfence.core.fence.Boundary> failpoint(String spec) {
        if (spec.isEmpty()) {
            return b -> { };
        }
        if (!spec.startsWith("halt-at:")) {
            throw new IllegalArgumentException("KEELSON_ACRFENCE_FAILPOINT must be halt-at:<boundary>, was '" + spec + "'");
        }
        io.keelson.acrfence.core.fence.Boundary at = io.keelson.acrfence.core.fence.Boundary.valueOf(spec.substring("halt-at:".length()));
        return b -> {
            if (b == at) {
                Runtime.getRuntime().halt(137);
            }
        };
    }

    public static void main(String[] args) throws Exception {
        Path home = ServiceMain.home().resolve("acrfence");
        java.util.Set<String> toolHosts = System.getenv().containsKey("KEELSON_ACRFENCE_TOOL_HOSTS")
                ? java.util.Set.of(System.getenv("KEELSON_ACRFENCE_TOOL_HOSTS").split(",")) : AcrFenceSystem.DEFAULT_TOOL_HOSTS;
        Optional<PostgresPool.Pooled> database = PostgresPool.fromEnv(System.getenv(), "ACRFENCE", "acrfence");
        AcrFenceSystem system = database.isEmpty()
                ? AcrFenceSystem.start(home, toolHosts, failpoint(System.getenv().getOrDefault("KEELSON_ACRFENCE_FAILPOINT", "")))
                : AcrFenceSystem.startOnPostgres(home, database.get().dataSource(), database.get().schema(), toolHosts);
        ServiceMain.serve(ServiceMain.start(args, system.service()), system::close);
    }
}
