package io.keelson.controlplane.gateway;

import io.keelson.controlplane.testing.EchoProcess;
import io.keelson.controlplane.testing.TestDatabases;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.HashMap;
import java.util.Map;

/**
 * Cluster mode for a test: the echo system runs in its own JVM and the control plane reaches it over
 * the network; state goes to the test PostgreSQL server when one is there.
 */
public class RemoteEchoResource implements QuarkusTestResourceLifecycleManager {

    private final EchoProcess echo = new EchoProcess();

    @Override
    public Map<String, String> start() {
        echo.start(0);
        Map<String, String> config = new HashMap<>();
        config.put("keelson.systems.echo.address", echo.address());
        String pgUrl = System.getenv("KEELSON_TEST_PG_URL");
        if (pgUrl != null && !pgUrl.isBlank()) {
            TestDatabases.PostgresServer pg = TestDatabases.postgres();
            config.put("quarkus.datasource.embedded.active", "false");
            config.put("quarkus.datasource.postgresql.active", "true");
            config.put("quarkus.datasource.postgresql.jdbc.url", pg.freshSchemaUrl());
            config.put("quarkus.datasource.postgresql.username", pg.user());
            config.put("quarkus.datasource.postgresql.password", pg.password());
        }
        return config;
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(echo, new TestInjector.MatchesType(EchoProcess.class));
    }

    @Override
    public void stop() {
        echo.close();
    }
}
