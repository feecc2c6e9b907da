package io.keelson.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keelson.cli.KeelsonCli;
import io.keelson.controlplane.auth.ApiToken;
import io.keelson.controlplane.auth.Role;
import io.keelson.controlplane.ops.Platform;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The keelson command line against the embedded platform: what it prints, and the exit codes scripts rely on. */
@QuarkusTest
class KeelsonCliTest {

    @Inject
    Platform platform;

    record Run(int code, String out, String err) {
    }

    private Run keelson(String token, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = KeelsonCli.run(args, new PrintWriter(out), new PrintWriter(err),
                Map.of("KEELSON_ENDPOINT", "127.0.0.1:" + platform.gatewayPort(), "KEELSON_TOKEN", token));
        return new Run(code, out.toString(), err.toString());
    }

    private String token(Role role, String name) {
        return platform.tokens().create(name, role, Set.of(ApiToken.ALL_SYSTEMS), Optional.empty(), "test").bearer();
    }

    @Test
    void statusShowsWhoIsSignedInAndEverySystemServing() {
        Run status = keelson(token(Role.VIEWER, "cli-viewer"), "status");
        assertThat(status.code()).as(status.err()).isZero();
        assertThat(status.err()).contains("signed in as cli-viewer (viewer)");
        assertThat(status.out().lines()).anySatisfy(l -> assertThat(l).startsWith("wio").contains("serving"))
                .anySatisfy(l -> assertThat(l).startsWith("schedcp").contains("serving"));
        assertThat(keelson("kt_nonsense", "status").code()).isEqualTo(3);
    }

    @Test
    void anOperatorDeploysAndMovesAnActorAViewerWatchesAndTheAuditLogSaysWhoDidWhat() throws Exception {
        String operator = token(Role.OPERATOR, "cli-operator");
        String viewer = token(Role.VIEWER, "cli-watcher");
        String admin = token(Role.ADMIN, "cli-admin");

        Run deployed = keelson(operator, "wio", "deploy", "cli-crc", "--bundled", "crc32c");
        assertThat(deployed.code()).as(deployed.err()).isZero();
        assertThat(deployed.out()).contains("SIDE_DEVICE");
        Run refused = keelson(viewer, "wio", "deploy", "cli-other", "--bundled", "lz");
        assertThat(refused.code()).isEqualTo(3);
        assertThat(refused.err()).contains("permission denied").doesNotContain("Exception");

        Run moved = keelson(operator, "-o", "json", "wio", "migrate", "cli-crc", "--to", "host");
        assertThat(moved.code()).as(moved.err()).isZero();
        JsonNode migration = new ObjectMapper().readTree(moved.out());
        assertThat(migration.get("bytes_moved").asInt()).isEqualTo(24);
        assertThat(migration.get("actor").get("side").asText()).isEqualTo("SIDE_HOST");

        Run actors = keelson(viewer, "-o", "yaml", "wio", "actors");
        assertThat(actors.out()).contains("name: \"cli-crc\"").contains("SIDE_HOST");
        Run telemetry = keelson(viewer, "wio", "telemetry", "--samples", "2", "--interval-ms", "100");
        assertThat(telemetry.code()).isZero();
        assertThat(telemetry.out().lines().filter(l -> l.startsWith("temperature_c"))).hasSize(2);

        Run audit = keelson(admin, "audit", "--system", "wio", "--limit", "20");
        assertThat(audit.code()).as(audit.err()).isZero();
        assertThat(audit.out()).contains("keelson.wio.v1.WioService/MigrateActor").contains("keelson.wio.v1.WioService/DeployActor")
                .contains("DECISION_DENIED");
    }

    @Test
    void mistakesGetExitCodesThatSayWhatKindAndMessagesThatNameTheFieldOrFlag() {
        String operator = token(Role.OPERATOR, "cli-mistakes");
        Run notFound = keelson(operator, "wio", "migrate", "no-such-actor", "--to", "host");
        assertThat(notFound.code()).isEqualTo(4);
        assertThat(notFound.err()).contains("no actor named 'no-such-actor'");
        Run invalid = keelson(operator, "wio", "deploy", "Not A Name", "--bundled", "crc32c");
        assertThat(invalid.code()).isEqualTo(5);
        assertThat(invalid.err()).contains("  name:");
        Run badFlag = keelson(operator, "wio", "migrate", "x", "--to", "moon");
        assertThat(badFlag.code()).isEqualTo(2);
        assertThat(badFlag.err()).contains("--to");
        Run badClosed = keelson(operator, "agentcgroup", "sessions", "--closed", "5000");
        assertThat(badClosed.code()).isEqualTo(2);
        assertThat(badClosed.err()).contains("--closed");
        Run badNode = keelson(operator, "--node", "not a node", "agentcgroup", "sessions");
        assertThat(badNode.code()).isEqualTo(2);
        assertThat(badNode.err()).contains("--node");
        Run embeddedNode = keelson(operator, "--node", "node-1", "agentcgroup", "sessions");
        assertThat(embeddedNode.code()).as("one instance (embedded): the node is not needed and does not hurt: " + embeddedNode.err()).isZero();
        Run noToken = keelson("", "status");
        assertThat(noToken.code()).isEqualTo(2);
        assertThat(noToken.err()).contains("KEELSON_TOKEN");
        Run tokens = keelson(token(Role.ADMIN, "cli-admin-2"), "token", "create", "--name", "ci-bot", "--role", "viewer", "--scope", "wio",
                "--ttl", Duration.ofHours(1).toString());
        assertThat(tokens.code()).as(tokens.err()).isZero();
        assertThat(tokens.out()).contains("secret").contains("ci-bot");
        // the secret is shown once, so whole: it signs in
        String secret = tokens.out().lines().filter(l -> l.startsWith("secret")).map(l -> l.substring("secret".length()).strip())
                .findFirst().orElseThrow();
        Run signedIn = keelson(secret, "status");
        assertThat(signedIn.code()).as("a cut secret is refused: " + signedIn.err()).isZero();
        assertThat(keelson(operator, "completion").out()).contains("complete -F");
    }
}
