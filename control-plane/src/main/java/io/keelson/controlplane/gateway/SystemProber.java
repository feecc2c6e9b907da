package io.keelson.controlplane.gateway;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.keelson.controlplane.v1.ServingState;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

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
        return new Asked(route.channel().get(), route.address()).answer();
    }

    /** Serving when every node's instance serves; the detail names each node that does not. All nodes are asked at once. */
    private Probe probeNodes(String system, NodeDirectory directory) {
        Map<String, NodeDirectory.Instance> nodes = directory.nodes();
        if (nodes.isEmpty()) {
            return new Probe(ServingState.SERVING_STATE_UNREACHABLE, "system " + system + " answers on no node yet", Duration.ZERO);
        }
        Map<NodeDirectory.Instance, Asked> asked = new LinkedHashMap<>();
        nodes.values().forEach(instance -> asked.put(instance, new Asked(instance.channel(), instance.address())));
        List<String> failing = new ArrayList<>();
        boolean anyServing = false;
        Duration slowest = Duration.ZERO;
        for (Map.Entry<NodeDirectory.Instance, Asked> e : asked.entrySet()) {
            Probe p = e.getValue().answer();
            slowest = p.latency().compareTo(slowest) > 0 ? p.latency() : slowest;
            if (p.state() == ServingState.SERVING_STATE_SERVING) {
                anyServing = true;
            } else {
                failing.add("node " + e.getKey().node() + ": " + p.detail());
            }
        }
        if (failing.isEmpty()) {
            return new Probe(ServingState.SERVING_STATE_SERVING, "serving on " + nodes.size() + " node(s): " + nodes.values().stream()
                    .map(i -> i.node() + " at " + i.address()).toList(), slowest);
        }
        return new Probe(anyServing ? ServingState.SERVING_STATE_NOT_SERVING : ServingState.SERVING_STATE_UNREACHABLE,
                failing.size() + " of " + nodes.size() + " node(s) not serving: " + String.join("; ", failing), slowest);
    }

    /** A health check sent, not yet answered; its latency is taken when the answer arrives, not when it is read. */
    private final class Asked {
        private final ManagedChannel channel;
        private final String address;
        private final long start = System.nanoTime();
        private final AtomicLong answeredAt = new AtomicLong();
        /** Empty when the channel is shut down (a node's instance whose address left its Service): nothing to ask. */
        private final Optional<ListenableFuture<HealthCheckResponse>> answer;

        Asked(ManagedChannel channel, String address) {
            this.channel = channel;
            this.address = address;
            this.answer = channel.isShutdown() ? Optional.empty() : Optional.of(HealthGrpc.newFutureStub(channel)
                    .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS).check(HealthCheckRequest.getDefaultInstance()));
            answer.ifPresent(a -> a.addListener(() -> answeredAt.set(System.nanoTime()), MoreExecutors.directExecutor()));
        }

        Probe answer() {
            if (answer.isEmpty()) {
                return new Probe(ServingState.SERVING_STATE_UNREACHABLE, "gone from " + address, Duration.ZERO);
            }
            try {
                HealthCheckResponse response = answer.get().get();
                return response.getStatus() == HealthCheckResponse.ServingStatus.SERVING
                        ? new Probe(ServingState.SERVING_STATE_SERVING, "serving at " + address, took())
                        : new Probe(ServingState.SERVING_STATE_NOT_SERVING, "reports " + response.getStatus(), took());
            } catch (ExecutionException e) {
                Status status = Status.fromThrowable(e.getCause());
                channel.resetConnectBackoff();
                return new Probe(ServingState.SERVING_STATE_UNREACHABLE,
                        "no answer from " + address + ": " + status.getCode() + " " + status.getDescription(), took());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                answer.get().cancel(true);
                return new Probe(ServingState.SERVING_STATE_UNREACHABLE, "interrupted while asking " + address, took());
            }
        }

        private Duration took() {
            long end = answeredAt.get();
            return Duration.ofNanos((end == 0 ? System.nanoTime() : end) - start);
        }
    }
}
