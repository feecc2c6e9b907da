package io.keelson.controlplane.gateway;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.keelson.controlplane.v1.ServingState;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        if (route.nodes().isPresent()) {
            return probeNodes(route.name(), route.nodes().get());
        }
        if (route.channel().isEmpty()) {
            return new Probe(ServingState.SERVING_STATE_NOT_DEPLOYED, "system " + route.name() + " is not deployed", Duration.ZERO);
        }
        return probe(route.channel().get(), route.address());
    }

    /** Serving when every node's instance serves; the detail names each node that does not. */
    private Probe probeNodes(String system, NodeDirectory directory) {
        Map<String, NodeDirectory.Instance> nodes = directory.nodes();
        if (nodes.isEmpty()) {
            return new Probe(ServingState.SERVING_STATE_UNREACHABLE, "system " + system + " answers on no node yet", Duration.ZERO);
        }
        List<String> failing = new ArrayList<>();
        boolean anyServing = false;
        Duration slowest = Duration.ZERO;
        for (NodeDirectory.Instance instance : nodes.values()) {
            Probe p = probe(instance.channel(), instance.address());
            slowest = p.latency().compareTo(slowest) > 0 ? p.latency() : slowest;
            if (p.state() == ServingState.SERVING_STATE_SERVING) {
                anyServing = true;
            } else {
                failing.add("node " + instance.node() + ": " + p.detail());
            }
        }
        if (failing.isEmpty()) {
            return new Probe(ServingState.SERVING_STATE_SERVING, "serving on " + nodes.size() + " node(s): " + nodes.values().stream()
                    .map(i -> i.node() + " at " + i.address()).toList(), slowest);
        }
        return new Probe(anyServing ? ServingState.SERVING_STATE_NOT_SERVING : ServingState.SERVING_STATE_UNREACHABLE,
                failing.size() + " of " + nodes.size() + " node(s) not serving: " + String.join("; ", failing), slowest);
    }

    private Probe probe(ManagedChannel channel, String address) {
        if (channel.isShutdown()) {
            return new Probe(ServingState.SERVING_STATE_UNREACHABLE, "gone from " + address, Duration.ZERO);
        }
        long start = System.nanoTime();
        try {
            HealthCheckResponse response = HealthGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .check(HealthCheckRequest.getDefaultInstance());
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            return response.getStatus() == HealthCheckResponse.ServingStatus.SERVING
                    ? new Probe(ServingState.SERVING_STATE_SERVING, "serving at " + address, took)
                    : new Probe(ServingState.SERVING_STATE_NOT_SERVING, "reports " + response.getStatus(), took);
        } catch (StatusRuntimeException e) {
            channel.resetConnectBackoff();
            return new Probe(ServingState.SERVING_STATE_UNREACHABLE,
                    "no answer from " + address + ": " + e.getStatus().getCode() + " " + e.getStatus().getDescription(),
                    Duration.ofNanos(System.nanoTime() - start));
        }
    }
}
