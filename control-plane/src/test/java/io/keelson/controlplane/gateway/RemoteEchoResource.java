package io.keelson.controlplane.gateway;

import io.keelson.controlplane.testing.ServiceProcess;
import io.keelson.controlplane.testing.TestDatabases;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.HashMap;
import java.util.Map;

/**
 * Cluster mode for a test: the echo and gpuos systems run in their own JVMs and the control plane reaches it over
 * the network; state goes to the test PostgreSQL server when one is there.
 */
public class RemoteEchoResource implements QuarkusTestResourceLifecycleManager {

    private final ServiceProcess echo = new ServiceProcess();
    private final ServiceProcess gpuos = ServiceProcess.gpuos();

    @Override
    public Map<String, String> start() {
        echo.start(0);
        gpuos.start(0);
        Map<String, String> config = new HashMap<>();
        config.put("keelson.systems.echo.address", echo.address());
        config.put("keelson.systems.gpuos.address", gpuos.address());
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
        injector.injectIntoFields(echo, new TestInjector.MatchesType(ServiceProcess.class));
    }

    @Override
    public void stop() {
        echo.close();
        gpuos.close();
    }
}
