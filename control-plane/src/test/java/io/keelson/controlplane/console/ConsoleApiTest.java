package io.keelson.controlplane.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keelson.controlplane.auth.ApiToken;
import io.keelson.controlplane.auth.Role;
import io.keelson.controlplane.ops.Platform;
import io.keelson.controlplane.v1.ListAuditEventsRequest;
import io.keelson.controlplane.testing.GatewayClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The console's HTTP API without a browser: sign-in, JSON calls as the signed-in token, errors, event streams. */
@QuarkusTest
class ConsoleApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Inject
    Platform platform;

    @TestHTTPResource("/console/api/")
    URL api;

    private String token(Role role, String name) {
        return platform.tokens().create(name, role, Set.of(ApiToken.ALL_SYSTEMS), Optional.empty(), "test").bearer();
    }

    private HttpResponse<String> post(String path, String body, Optional<String> token, boolean marker) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api + path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        token.ifPresent(t -> b.header("Cookie", ConsoleApi.COOKIE + "=" + t));
        if (marker) {
            b.header(ConsoleApi.MARKER, "1");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    @Test
    void signInSetsAnHttpOnlyCookieAndAWrongTokenIsRefusedInWords() throws Exception {
        String viewer = token(Role.VIEWER, "api-viewer");
        HttpResponse<String> in = post("session", "{\"token\":\"" + viewer + "\"}", Optional.empty(), true);
        assertThat(in.statusCode()).isEqualTo(200);
        assertThat(json(in).at("/token/role").asText()).isEqualTo("ROLE_VIEWER");
        assertThat(in.headers().firstValue("set-cookie").orElseThrow()).contains(ConsoleApi.COOKIE + "=" + viewer, "HttpOnly",
                "SameSite=Strict", "Path=/console");

        HttpResponse<String> wrong = post("session", "{\"token\":\"kt_nobody_nothing\"}", Optional.empty(), true);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(json(wrong).get("message").asText()).startsWith("this token is not valid");
        assertThat(wrong.body()).doesNotContain("Exception", "at io.");
        HttpResponse<String> malformed = post("session", "{\"token\":\"not a token!\"}", Optional.empty(), true);
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(json(malformed).at("/violations/0/field").asText()).isEqualTo("token");

        HttpResponse<String> nobody = http.send(HttpRequest.newBuilder(URI.create(api + "session")).header(ConsoleApi.MARKER, "1").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(nobody.statusCode()).as("a first visit is not an error").isEqualTo(204);
    }

    @Test
    void callsGoThroughTheGatewayAsTheSignedInTokenWithItsRoleAndAreAudited() throws Exception {
        String viewer = token(Role.VIEWER, "api-viewer-2");
        HttpResponse<String> systems = post("rpc/keelson.controlplane.v1.ControlPlaneService/ListSystems", "{}", Optional.of(viewer), true);
        assertThat(systems.statusCode()).isEqualTo(200);
        assertThat(json(systems).get("systems").findValuesAsText("name")).contains("wio", "sysom", "gpuos");

        HttpResponse<String> write = post("rpc/keelson.wio.v1.WioService/SetPlacementPolicy", "{\"policy\":\"reversible\"}", Optional.of(viewer), true);
        assertThat(write.statusCode()).isEqualTo(403);
        assertThat(json(write).get("code").asText()).isEqualTo("PERMISSION_DENIED");
        assertThat(json(write).get("reason").asText()).isEqualTo("ERROR_REASON_ROLE_INSUFFICIENT");

        String admin = token(Role.ADMIN, "api-admin");
        String viewerId = platform.tokens().list("", 500, false).stream().filter(t -> t.name().equals("api-viewer-2")).findFirst().orElseThrow().id();
        try (GatewayClient gateway = GatewayClient.connect(platform.gatewayPort())) {
            assertThat(gateway.controlPlane(admin).listAuditEvents(ListAuditEventsRequest.newBuilder().setPrincipal(viewerId).build()).getEventsList())
                    .extracting(e -> e.getMethod() + " " + e.getStatusCode())
                    .contains("keelson.controlplane.v1.ControlPlaneService/ListSystems OK",
                            "keelson.wio.v1.WioService/SetPlacementPolicy PERMISSION_DENIED");
        }
    }

    @Test
    void badRequestsAreNamedAndNothingIsCalled() throws Exception {
        String operator = token(Role.OPERATOR, "api-operator");
        HttpResponse<String> noMarker = post("rpc/keelson.wio.v1.WioService/ListActors", "{}", Optional.of(operator), false);
        assertThat(noMarker.statusCode()).as("a cross-site form cannot set the marker header").isEqualTo(403);
        assertThat(post("rpc/keelson.wio.v1.WioService/ListActors", "{}", Optional.empty(), true).statusCode()).isEqualTo(401);

        HttpResponse<String> unknown = post("rpc/keelson.wio.v1.WioService/Format", "{}", Optional.of(operator), true);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).get("message").asText()).contains("no RPC keelson.wio.v1.WioService/Format");

        HttpResponse<String> field = post("rpc/keelson.wio.v1.WioService/MigrateActor", "{\"name\":\"x\",\"to\":\"SIDE_MOON\"}", Optional.of(operator), true);
        assertThat(field.statusCode()).isEqualTo(400);
        assertThat(json(field).at("/violations/0/field").asText()).isEqualTo("request");
        assertThat(json(field).get("message").asText()).contains("keelson.wio.v1.MigrateActorRequest");

        HttpResponse<String> invalid = post("rpc/keelson.wio.v1.WioService/DeployActor", "{\"name\":\"Not A Name\",\"bundled\":\"crc32c\"}",
                Optional.of(operator), true);
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(json(invalid).get("violations").findValuesAsText("field")).contains("name");

        HttpResponse<String> stream = post("rpc/keelson.wio.v1.WioService/StreamDeviceTelemetry", "{}", Optional.of(operator), true);
        assertThat(stream.statusCode()).isEqualTo(400);
        HttpResponse<String> watchWrite = post("watch/keelson.wio.v1.WioService/SetPlacementPolicy", "{}", Optional.of(operator), true);
        assertThat(watchWrite.statusCode()).as("only reads are repeated").isEqualTo(400);
    }

    @Test
    void serverStreamsAndRepeatedReadsArriveAsServerSentEvents() throws Exception {
        String viewer = token(Role.VIEWER, "api-viewer-3");
        assertThat(events("stream/keelson.wio.v1.WioService/StreamDeviceTelemetry", "{\"intervalMs\":100,\"samples\":3}", viewer, 10))
                .hasSize(3).allSatisfy(e -> assertThat(e.at("/message/backend").asText()).isEqualTo("BACKEND_CXL_EMULATED"));
        assertThat(events("watch/keelson.controlplane.v1.ControlPlaneService/WhoAmI?every=1", "{}", viewer, 2))
                .hasSize(2).allSatisfy(e -> assertThat(e.at("/message/token/name").asText()).isEqualTo("api-viewer-3"));
        assertThat(events("watch/keelson.sysom.v1.SysomService/Diagnose?every=1", "{\"job\":\"no-such-job\"}", viewer, 2))
                .as("a failing read is an error event, and the next one is still made")
                .hasSize(2).allSatisfy(e -> assertThat(e.at("/error/code").asText()).isEqualTo("NOT_FOUND"));
    }

    /** The first {@code count} events' data, then the connection is dropped (as a page that moves on does). */
    private List<JsonNode> events(String path, String body, String token, int count) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(api + path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Cookie", ConsoleApi.COOKIE + "=" + token).header(ConsoleApi.MARKER, "1").build();
        HttpResponse<java.io.InputStream> r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        List<JsonNode> events = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String line;
            while (events.size() < count && (line = lines.readLine()) != null) {
                if (line.startsWith("data:")) {
                    events.add(JSON.readTree(line.substring(5).strip()));
                }
            }
        }
        return events;
    }
}
