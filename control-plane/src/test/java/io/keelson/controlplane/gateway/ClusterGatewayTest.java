package io.keelson.controlplane.gateway;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.keelson.common.v1.ErrorReason;
import io.keelson.controlplane.testing.ServiceProcess;
import io.keelson.controlplane.v1.DeploymentMode;
import io.keelson.echo.v1.EchoRequest;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
        var systemsDown = get(systemsHealth);
        assertThat(systemsDown.statusCode()).isEqualTo(503);
        assertThat(systemsDown.body()).contains("\"echo\": \"unreachable");
        assertThat(get(readiness).statusCode()).as("the gateway still serves the rest: it stays ready").isEqualTo(200);
        // The web console's pages say so, and the rest of the console still works.
        var consoleDown = consoleCall("keelson.echo.v1.EchoService/Echo", "{\"message\":\"down\"}");
        assertThat(consoleDown.statusCode()).isEqualTo(503);
        assertThat(consoleDown.body()).contains("\"code\":\"UNAVAILABLE\"", "system echo", "ERROR_REASON_SYSTEM_UNREACHABLE");
        assertThat(consoleCall("keelson.controlplane.v1.ControlPlaneService/GetSystemHealth", "{\"system\":\"echo\"}").body())
                .contains("SERVING_STATE_UNREACHABLE");

        echoProcess.restart();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().untilAsserted(() ->
                assertThat(echo(viewer).echo(EchoRequest.newBuilder().setMessage("back").build()).getMessage()).isEqualTo("back"));
        assertThat(get(systemsHealth).statusCode()).isEqualTo(200);
        assertThat(consoleCall("keelson.echo.v1.EchoService/Echo", "{\"message\":\"back\"}").body()).contains("back");
    }

    @TestHTTPResource("/console/api/rpc/")
    URI consoleRpc;

    private HttpResponse<String> consoleCall(String method, String json) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(consoleRpc.resolve(method)).POST(HttpRequest.BodyPublishers.ofString(json))
                .header("Cookie", "keelson_console=" + viewer).header("X-Keelson-Console", "1").build(), HttpResponse.BodyHandlers.ofString());
    }
}
