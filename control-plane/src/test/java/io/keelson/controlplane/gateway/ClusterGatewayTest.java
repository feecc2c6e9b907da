package io.keelson.controlplane.gateway;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.keelson.common.v1.ErrorReason;
import io.keelson.controlplane.testing.ServiceProcess;
import io.keelson.controlplane.v1.DeploymentMode;
import io.keelson.echo.v1.EchoRequest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The gateway contract with echo in its own JVM (cluster mode), plus what only a network route can do: fail. */
@QuarkusTest
@TestProfile(ClusterProfile.class)
class ClusterGatewayTest extends GatewayTestBase {

    ServiceProcess echoProcess;

    @Override
    DeploymentMode expectedEchoMode() {
        return DeploymentMode.DEPLOYMENT_MODE_REMOTE;
    }

    @Test
    void aKilledSystemAnswersUnavailableAndRecoversWhenItReturns() throws Exception {
        assertThat(echo(viewer).echo(EchoRequest.newBuilder().setMessage("up").build()).getMessage()).isEqualTo("up");

        echoProcess.kill();
        StatusRuntimeException down = expectStatus(() -> echo(viewer).echo(EchoRequest.newBuilder().setMessage("down").build()),
                Status.Code.UNAVAILABLE);
        assertThat(down.getStatus().getDescription()).contains("system echo").contains(echoProcess.address());
        assertThat(reason(down)).isEqualTo(ErrorReason.ERROR_REASON_SYSTEM_UNREACHABLE.name());
        var notReady = get(readiness);
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(notReady.body()).contains("\"echo\": \"unreachable");

        echoProcess.restart();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().untilAsserted(() ->
                assertThat(echo(viewer).echo(EchoRequest.newBuilder().setMessage("back").build()).getMessage()).isEqualTo("back"));
        assertThat(get(readiness).statusCode()).isEqualTo(200);
    }
}
