package io.keelson.controlplane.gateway;

import io.keelson.controlplane.testing.ServiceProcess;
import io.keelson.controlplane.testing.TestCertificates;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.nio.file.Path;
import java.util.Map;

/** The echo system in its own JVM behind mTLS, and the gateway configured with a client certificate for it (from deploy/helm/dev-ca.sh). */
public class MutualTlsResource implements QuarkusTestResourceLifecycleManager {

    private ServiceProcess echo;
    private TestCertificates certs;

    @Override
    public Map<String, String> start() {
        certs = TestCertificates.fromDevCa(); // what the Helm chart's trials use
        echo = new ServiceProcess(certs.serverCert(), certs.serverKey(), certs.ca()).start(0);
        return Map.of(
                "keelson.systems.echo.address", echo.address(),
                "keelson.gateway.service-tls-cert", certs.clientCert().toString(),
                "keelson.gateway.service-tls-key", certs.clientKey().toString(),
                "keelson.gateway.service-tls-ca", certs.ca().toString());
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(echo, new TestInjector.MatchesType(ServiceProcess.class));
        injector.injectIntoFields(certs, new TestInjector.MatchesType(TestCertificates.class));
    }

    @Override
    public void stop() {
        if (echo != null) {
            echo.close();
        }
    }
}
