package io.keelson.controlplane.gateway;

import io.keelson.controlplane.auth.ApiToken;
import io.keelson.controlplane.auth.Role;
import io.keelson.controlplane.ops.Platform;
import io.keelson.controlplane.testing.GatewayClient;
import io.keelson.echo.v1.EchoRequest;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** With the OpenTelemetry SDK switched on by configuration, a gateway call and its relay to the system are one trace. */
@QuarkusTest
@TestProfile(TracingGatewayTest.TracingOn.class)
class TracingGatewayTest {

    public static class TracingOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.otel.sdk.disabled", "false", "quarkus.otel.bsp.schedule.delay", "PT0.05S");
        }
    }

    /** Collects the spans the SDK exports (Quarkus registers SpanExporter beans). */
    static class Exporter {
        @Produces
        @Singleton
        InMemorySpanExporter exporter() {
            return InMemorySpanExporter.create();
        }
    }

    @Inject
    Platform platform;
    @Inject
    InMemorySpanExporter spans;

    @Test
    void aRoutedCallIsTracedOnTheGatewayAndOnTheRelay() throws Exception {
        String viewer = platform.tokens().create("traced", Role.VIEWER, Set.of(ApiToken.ALL_SYSTEMS), Optional.empty(), "test").bearer();
        try (GatewayClient client = GatewayClient.connect(platform.gatewayPort())) {
            client.echo(viewer).echo(EchoRequest.newBuilder().setMessage("trace me").build());
        }

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<SpanData> echo = spans.getFinishedSpanItems().stream()
                    .filter(s -> s.getName().equals("keelson.echo.v1.EchoService/Echo")).toList();
            assertThat(echo).extracting(SpanData::getKind).contains(SpanKind.SERVER, SpanKind.CLIENT);
            SpanData server = echo.stream().filter(s -> s.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
            SpanData client = echo.stream().filter(s -> s.getKind() == SpanKind.CLIENT).findFirst().orElseThrow();
            assertThat(client.getTraceId()).isEqualTo(server.getTraceId());
            assertThat(client.getParentSpanId()).isEqualTo(server.getSpanId());
        });
    }
}
