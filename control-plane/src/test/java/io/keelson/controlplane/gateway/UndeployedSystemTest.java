package io.keelson.controlplane.gateway;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.keelson.common.v1.ErrorReason;
import io.keelson.controlplane.auth.ApiToken;
import io.keelson.controlplane.auth.Role;
import io.keelson.controlplane.ops.Platform;
import io.keelson.controlplane.testing.GatewayClient;
import io.keelson.controlplane.v1.GetSystemHealthRequest;
import io.keelson.controlplane.v1.ServingState;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** A system without an address is not deployed: its calls answer UNIMPLEMENTED naming it, its health says so. */
@QuarkusTest
@TestProfile(UndeployedSystemTest.WioUndeployed.class)
class UndeployedSystemTest {

    /** Every system deployed as usual but wio. */
    public static class WioUndeployed implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("keelson.systems.wio.address", "");
        }
    }

    @Inject
    Platform platform;

    @TestHTTPResource("/q/health/group/systems")
    URI readiness;

    @Test
    void aSystemThatIsNotDeployedAnswersUnimplementedNamingIt() throws Exception {
        String viewer = platform.tokens().create("undeployed-viewer", Role.VIEWER, Set.of(ApiToken.ALL_SYSTEMS), Optional.empty(), "test").bearer();
        try (GatewayClient client = GatewayClient.connect(platform.gatewayPort())) {
            StatusRuntimeException e = GatewayTestBase.expectStatus(() -> GatewayTestBase.callRaw(client.as(viewer), "keelson.wio.v1.WioService/ListActors"),
                    Status.Code.UNIMPLEMENTED);
            assertThat(e.getStatus().getDescription()).contains("wio").contains("not deployed");
            assertThat(GatewayTestBase.reason(e)).isEqualTo(ErrorReason.ERROR_REASON_SYSTEM_NOT_DEPLOYED.name());
            assertThat(client.controlPlane(viewer).getSystemHealth(GetSystemHealthRequest.newBuilder().setSystem("wio").build()).getState())
                    .isEqualTo(ServingState.SERVING_STATE_NOT_DEPLOYED);
        }
        assertThat(GatewayTestBase.get(readiness).body()).contains("\"wio\": \"not_deployed");
    }
}
