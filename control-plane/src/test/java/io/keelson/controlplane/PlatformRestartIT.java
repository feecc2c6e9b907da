package io.keelson.controlplane;

import io.keelson.common.v1.Role;
import io.keelson.controlplane.testing.GatewayClient;
import io.keelson.controlplane.testing.PlatformProcess;
import io.keelson.controlplane.v1.ControlPlaneServiceGrpc;
import io.keelson.controlplane.v1.CreateApiTokenRequest;
import io.keelson.controlplane.v1.Decision;
import io.keelson.controlplane.v1.ListAuditEventsRequest;
import io.keelson.controlplane.v1.WhoAmIRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged platform, run as {@code ./keelson up} runs it: the bootstrap admin token, and tokens
 * and audit events that survive kill -9 and a restart.
 */
class PlatformRestartIT {

    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

    @TempDir
    Path home;

    @Test
    void acknowledgedTokensAndAuditEventsSurviveKillMinus9AndTheAdminTokenIsIssuedOnce() throws Exception {
        String admin;
        String viewer;
        try (PlatformProcess first = PlatformProcess.start(JAR, home, Map.of())) {
            admin = first.adminToken();
            Path tokenFile = home.resolve("admin-token");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
            assertThat(String.join("\n", first.startupLog())).contains(tokenFile.toString()).doesNotContain(admin);

            viewer = call(first, admin, stub -> stub.createApiToken(CreateApiTokenRequest.newBuilder()
                    .setName("survivor").setRole(Role.ROLE_VIEWER).addScopes("*").build()).getSecret());
            // the audit log answers only what it has made durable: once the event is listed, it must outlive a kill -9
            await().atMost(Duration.ofSeconds(10)).until(() -> auditedCreations(first, admin) == 1);
            first.kill();
        }

        try (PlatformProcess second = PlatformProcess.start(JAR, home, Map.of())) {
            assertThat(second.adminToken()).as("no second bootstrap token").isEqualTo(admin);
            assertThat(String.join("\n", second.startupLog())).contains("already issued");
            String survivorName = call(second, viewer, stub -> stub.whoAmI(WhoAmIRequest.getDefaultInstance()).getToken().getName());
            Role adminRole = call(second, admin, stub -> stub.whoAmI(WhoAmIRequest.getDefaultInstance()).getToken().getRole());
            assertThat(survivorName).isEqualTo("survivor");
            assertThat(adminRole).isEqualTo(Role.ROLE_ADMIN);
            assertThat(auditedCreations(second, admin)).isEqualTo(1);
        }
    }

    private static long auditedCreations(PlatformProcess platform, String admin) throws InterruptedException {
        return call(platform, admin, stub -> stub.listAuditEvents(ListAuditEventsRequest.newBuilder().setSystem("controlplane").build())
                .getEventsList().stream()
                .filter(e -> e.getMethod().endsWith("/CreateApiToken") && e.getDecision() == Decision.DECISION_ALLOWED)
                .count());
    }

    private static <T> T call(PlatformProcess platform, String bearer,
                              java.util.function.Function<ControlPlaneServiceGrpc.ControlPlaneServiceBlockingStub, T> rpc)
            throws InterruptedException {
        try (GatewayClient client = GatewayClient.connect(platform.gatewayPort())) {
            return rpc.apply(client.controlPlane(bearer));
        }
    }
}
