package io.keelson.controlplane.gateway;

import io.keelson.controlplane.v1.DeploymentMode;
import io.quarkus.test.junit.QuarkusTest;

/** The gateway contract with the echo system embedded (in-process channel). */
@QuarkusTest
class EmbeddedGatewayTest extends GatewayTestBase {

    @Override
    DeploymentMode expectedEchoMode() {
        return DeploymentMode.DEPLOYMENT_MODE_EMBEDDED;
    }
}
