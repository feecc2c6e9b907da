package io.keelson.controlplane.gateway;

import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.keelson.controlplane.v1.ServingState;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Asks a routed system how it is, through the standard gRPC health protocol on its route. */
public final class SystemProber {

    /** What a probe found and how long it took. */
    public record Probe(ServingState state, String detail, Duration latency) {
    }

    private final Duration timeout;

    public SystemProber(Duration timeout) {
        this.timeout = timeout;
    }

    public Probe probe(SystemRoute route) {
        if (route.channel().isEmpty()) {
            return new Probe(ServingState.SERVING_STATE_NOT_DEPLOYED, "system " + route.name() + " is not deployed", Duration.ZERO);
        }
        long start = System.nanoTime();
        try {
            HealthCheckResponse response = HealthGrpc.newBlockingStub(route.channel().get())
                    .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .check(HealthCheckRequest.getDefaultInstance());
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            return response.getStatus() == HealthCheckResponse.ServingStatus.SERVING
                    ? new Probe(ServingState.SERVING_STATE_SERVING, "serving at " + route.address(), took)
                    : new Probe(ServingState.SERVING_STATE_NOT_SERVING, "reports " + response.getStatus(), took);
        } catch (StatusRuntimeException e) {
            route.channel().get().resetConnectBackoff();
            return new Probe(ServingState.SERVING_STATE_UNREACHABLE,
                    "no answer from " + route.address() + ": " + e.getStatus().getCode() + " " + e.getStatus().getDescription(),
                    Duration.ofNanos(System.nanoTime() - start));
        }
    }
}
