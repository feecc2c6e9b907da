package io.keelson.controlplane.ops;

import io.grpc.Status;
import io.keelson.controlplane.gateway.CompletedCall;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Prometheus metrics of the gateway: {@code keelson_gateway_calls_seconds} (a histogram, so
 * p50/p99 can be computed over any window) tagged by system, method and status code; errors are the
 * series whose code is not OK. Every label comes from a bounded set: systems and methods from the
 * contracts, codes from gRPC.
 */
public final class GatewayMetrics implements CompletedCall.Observer {

    private record Key(String system, String method, Status.Code code) {
    }

    /** The method label of calls to methods no contract declares, so made-up names cannot grow the series. */
    static final String UNDECLARED = "undeclared";

    private final MeterRegistry registry;
    private final Predicate<String> declared;
    private final Map<Key, Timer> timers = new ConcurrentHashMap<>();

    public GatewayMetrics(MeterRegistry registry, Predicate<String> declared) {
        this.registry = registry;
        this.declared = declared;
    }

    @Override
    public void completed(CompletedCall call) {
        String method = declared.test(call.method()) ? call.method() : UNDECLARED;
        Key key = new Key(call.system(), method, call.code());
        timers.computeIfAbsent(key, k -> Timer.builder("keelson.gateway.calls")
                        .description("gRPC calls through the gateway")
                        .tag("system", k.system())
                        .tag("method", k.method())
                        .tag("code", k.code().name())
                        .publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofNanos(10_000))
                        .maximumExpectedValue(Duration.ofSeconds(30))
                        .register(registry))
                .record(call.latencyNanos(), TimeUnit.NANOSECONDS);
    }
}
