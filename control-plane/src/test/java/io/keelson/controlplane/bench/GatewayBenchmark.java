package io.keelson.controlplane.bench;

import io.grpc.Channel;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.keelson.controlplane.testing.ServiceProcess;
import io.keelson.controlplane.testing.GatewayClient;
import io.keelson.controlplane.testing.PlatformProcess;
import io.keelson.echo.v1.EchoRequest;
import io.keelson.echo.v1.EchoResponse;
import io.keelson.echo.v1.EchoServiceGrpc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What the gateway adds to a small RPC. One run measures, in this order and on the same machine:
 * <ol>
 *   <li>direct: a client calling the echo system in its own JVM over Netty loopback (the baseline);</li>
 *   <li>embedded: the same client calling the packaged platform, echo served in-process behind the gateway;</li>
 *   <li>cluster: the packaged platform routing to the echo JVM over loopback (one extra network hop).</li>
 * </ol>
 * Latency: one caller, closed loop. Throughput: one channel with {@value #WINDOW} calls in flight.
 * Every reply is checked against its request. Run with {@code ./keelson bench}.
 */
public final class GatewayBenchmark {

    static final int WINDOW = 64;
    private static final int WARMUP_CALLS = 20_000;
    private static final int TIMED_CALLS = 30_000;
    private static final long THROUGHPUT_NANOS = TimeUnit.SECONDS.toNanos(5);

    /**
     * @param serverCpuMicrosPerCall CPU the serving process (echo for direct, the platform otherwise) spent per
     *                               call during the throughput phase: what one call costs the gateway, whatever
     *                               else shares the cores
     */
    record Result(String name, double p50Micros, double p99Micros, double p999Micros, double callsPerSecond,
                  double serverCpuMicrosPerCall) {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args.length > 0 ? args[0] : "target/quarkus-app/quarkus-run.jar").toAbsolutePath();
        if (!Files.exists(jar)) {
            throw new IllegalArgumentException("no platform jar at " + jar + ": build with ./mvnw install -DskipTests");
        }
        Path work = Files.createTempDirectory("keelson-bench");
        System.out.printf(Locale.ROOT, "machine: %d cores, %s %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"));
        try (ServiceProcess echo = new ServiceProcess().start(0)) {
            Result direct = measure("direct: client -> echo JVM (loopback)", echo.address(), null, echo::cpuTime);
            Result embedded;
            try (PlatformProcess platform = PlatformProcess.start(jar, work.resolve("embedded"), Map.of())) {
                embedded = measure("gateway, echo embedded (in-process)", "127.0.0.1:" + platform.gatewayPort(),
                        platform.adminToken(), platform::cpuTime);
            }
            Result cluster;
            try (PlatformProcess platform = PlatformProcess.start(jar, work.resolve("cluster"),
                    Map.of("keelson.systems.echo.address", echo.address()))) {
                cluster = measure("gateway, echo remote (loopback hop)", "127.0.0.1:" + platform.gatewayPort(),
                        platform.adminToken(), platform::cpuTime);
            }
            System.out.println();
            System.out.printf(Locale.ROOT, "%-40s %9s %9s %9s %12s %14s%n", "path", "p50 us", "p99 us", "p99.9 us", "calls/s",
                    "server CPU us/call");
            for (Result r : new Result[]{direct, embedded, cluster}) {
                System.out.printf(Locale.ROOT, "%-40s %9.1f %9.1f %9.1f %12.0f %14.1f%n", r.name(), r.p50Micros(), r.p99Micros(),
                        r.p999Micros(), r.callsPerSecond(), r.serverCpuMicrosPerCall());
            }
            System.out.println();
            report("embedded", direct, embedded, 100);
            report("cluster", direct, cluster, 300);
        }
    }

    private static void report(String mode, Result direct, Result via, double p50BudgetMicros) {
        double addedP50 = via.p50Micros() - direct.p50Micros();
        double addedP99 = via.p99Micros() - direct.p99Micros();
        System.out.printf(Locale.ROOT,
                "%-8s gateway adds %+.1f us p50 (target <= %.0f: %s), %+.1f us p99; throughput %.0f calls/s = %.2fx direct (target >= 20000: %s)%n",
                mode, addedP50, p50BudgetMicros, addedP50 <= p50BudgetMicros ? "met" : "MISSED", addedP99,
                via.callsPerSecond(), via.callsPerSecond() / direct.callsPerSecond(),
                via.callsPerSecond() >= 20_000 ? "met" : "MISSED");
    }

    static Result measure(String name, String target, String bearer, Supplier<Duration> serverCpu) throws InterruptedException {
        // Callbacks on the transport thread: the harness should spend as little of the 2 cores as it can.
        ManagedChannel managed = Grpc.newChannelBuilder(target, InsecureChannelCredentials.create()).directExecutor().build();
        try {
            Channel channel = GatewayClient.withBearer(managed, bearer);
            EchoServiceGrpc.EchoServiceBlockingStub blocking = EchoServiceGrpc.newBlockingStub(channel);
            for (int i = 0; i < WARMUP_CALLS; i++) {
                call(blocking, i);
            }
            long[] nanos = new long[TIMED_CALLS];
            for (int i = 0; i < TIMED_CALLS; i++) {
                long start = System.nanoTime();
                call(blocking, i);
                nanos[i] = System.nanoTime() - start;
            }
            Arrays.sort(nanos);
            // Calls per second with WINDOW in flight, after a second of warm-up.
            EchoLoad.Stats t = EchoLoad.run(List.of(EchoServiceGrpc.newStub(channel)), WINDOW, Duration.ofSeconds(1),
                    Duration.ofNanos(THROUGHPUT_NANOS), serverCpu);
            Result r = new Result(name, EchoLoad.percentileMicros(nanos, 0.50), EchoLoad.percentileMicros(nanos, 0.99), EchoLoad.percentileMicros(nanos, 0.999),
                    t.callsPerSecond(), t.serverCpuMicrosPerCall());
            System.out.printf(Locale.ROOT, "measured %-40s p50 %.1f us, %.0f calls/s%n", name, r.p50Micros(), r.callsPerSecond());
            return r;
        } finally {
            managed.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static void call(EchoServiceGrpc.EchoServiceBlockingStub stub, int i) {
        String message = "m" + i;
        EchoResponse reply = stub.withDeadlineAfter(10, TimeUnit.SECONDS).echo(EchoRequest.newBuilder().setMessage(message).build());
        if (!reply.getMessage().equals(message)) {
            throw new IllegalStateException("wrong reply: sent " + message + ", got " + reply.getMessage());
        }
    }
}
