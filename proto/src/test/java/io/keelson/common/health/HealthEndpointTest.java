package io.keelson.common.health;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class HealthEndpointTest {

    private static HttpResponse<String> get(HealthEndpoint health, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + health.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void upWhileEveryCheckIsUpAndEachDownCheckIsNamed() throws Exception {
        AtomicBoolean serving = new AtomicBoolean(true);
        try (HealthEndpoint health = HealthEndpoint.serve(0, List.of(new HealthEndpoint.Check("process", () -> true)),
                List.of(new HealthEndpoint.Check("grpc server serving", serving::get), new HealthEndpoint.Check("store", () -> true)))) {
            assertThat(get(health, "/q/health/ready").statusCode()).isEqualTo(200);
            serving.set(false);
            HttpResponse<String> down = get(health, "/q/health/ready");
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.body()).contains("\"status\":\"DOWN\"").contains("{\"name\":\"grpc server serving\",\"status\":\"DOWN\"}")
                    .contains("{\"name\":\"store\",\"status\":\"UP\"}");
            assertThat(get(health, "/q/health/live").statusCode()).as("alive, not ready").isEqualTo(200);
        }
    }
}
