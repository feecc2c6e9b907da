package io.keelson.controlplane.ops;

import io.keelson.controlplane.gateway.SystemProber;
import io.keelson.controlplane.gateway.SystemRoute;
import io.keelson.controlplane.v1.ServingState;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import io.smallrye.health.api.HealthGroup;
import org.eclipse.microprofile.health.Readiness;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;

/**
 * {@code /q/health}: live while the gateway port is open; ready when the state store answers. Each deployed
 * system's health is the group {@code /q/health/group/systems}, not part of readiness: a replica whose systems
 * are down still serves everything else (their calls fail fast with UNAVAILABLE), so an orchestrator must not
 * take it out of service for that.
 */
@ApplicationScoped
public class PlatformHealth {

    @Inject
    Platform platform;

    @Produces
    @Liveness
    HealthCheck gateway() {
        return () -> HealthCheckResponse.named("gateway")
                .status(platform.gatewayRunning())
                .withData("port", platform.gatewayRunning() ? platform.gatewayPort() : -1)
                .build();
    }

    @Produces
    @Readiness
    HealthCheck state() {
        return () -> {
            HealthCheckResponseBuilder b = HealthCheckResponse.named("state").withData("store", platform.storeName());
            try {
                platform.tokens().isEmpty();
                return b.up()
                        .withData("audit-pending", platform.auditTrail().pending())
                        .withData("audit-failed-batches", platform.auditTrail().failedBatches())
                        .build();
            } catch (RuntimeException e) {
                return b.down().withData("error", String.valueOf(e.getMessage())).build();
            }
        };
    }

    @Produces
    @HealthGroup("systems")
    HealthCheck systems() {
        return () -> {
            HealthCheckResponseBuilder b = HealthCheckResponse.named("systems").up();
            for (SystemRoute route : platform.router().routes()) {
                SystemProber.Probe probe = platform.prober().probe(route);
                b.withData(route.name(), probe.state().name().replace("SERVING_STATE_", "").toLowerCase() + ": " + probe.detail());
                if (probe.state() == ServingState.SERVING_STATE_UNREACHABLE || probe.state() == ServingState.SERVING_STATE_NOT_SERVING) {
                    b.down();
                }
            }
            return b.build();
        };
    }
}
