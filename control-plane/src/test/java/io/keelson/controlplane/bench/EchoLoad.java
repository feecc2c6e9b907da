package io.keelson.controlplane.bench;

import io.grpc.stub.StreamObserver;
import io.keelson.echo.v1.EchoRequest;
import io.keelson.echo.v1.EchoResponse;
import io.keelson.echo.v1.EchoServiceGrpc;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Echo calls kept a fixed number deep, round-robin over one or more stubs (gateways), for a warm-up and then a
 * measured time; every reply is compared with its request and any error or wrong reply aborts the run.
 */
final class EchoLoad {

    /** The measured part: calls completed, over how long, their latencies (sorted) and the server's CPU meanwhile. */
    record Stats(long calls, double seconds, long[] sortedLatencyNanos, Duration serverCpu) {

        double callsPerSecond() {
            return calls / seconds;
        }

        double serverCpuMicrosPerCall() {
            return serverCpu.toNanos() / 1e3 / calls;
        }

        double percentileMicros(double q) {
            return EchoLoad.percentileMicros(sortedLatencyNanos, q);
        }
    }

    /** The {@code q} quantile (nearest rank) of sorted nanoseconds, in microseconds. */
    static double percentileMicros(long[] sortedNanos, double q) {
        return sortedNanos.length == 0 ? 0 : sortedNanos[Math.min(sortedNanos.length - 1, (int) Math.ceil(q * sortedNanos.length) - 1)] / 1_000.0;
    }

    private static final int MAX_LATENCIES = 4_000_000;

    private EchoLoad() {
    }

    static Stats run(List<EchoServiceGrpc.EchoServiceStub> stubs, int inFlight, Duration warmUp, Duration measured,
                     Supplier<Duration> serverCpu) throws InterruptedException {
        Semaphore window = new Semaphore(inFlight);
        AtomicLong done = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        long[] latencies = new long[MAX_LATENCIES];
        AtomicInteger recorded = new AtomicInteger();
        long warmUpEnd = System.nanoTime() + warmUp.toNanos();
        long end = warmUpEnd + measured.toNanos();
        long countedFrom = -1;
        long countedStart = 0;
        Duration cpuAtStart = Duration.ZERO;
        int i = 0;
        while (System.nanoTime() < end) {
            if (countedFrom < 0 && System.nanoTime() >= warmUpEnd) {
                countedFrom = done.get();
                countedStart = System.nanoTime();
                cpuAtStart = serverCpu.get();
            }
            window.acquire();
            String message = "t" + i;
            long sent = System.nanoTime();
            boolean timed = countedFrom >= 0;
            stubs.get(i++ % stubs.size()).echo(EchoRequest.newBuilder().setMessage(message).build(), new StreamObserver<>() {
                @Override
                public void onNext(EchoResponse reply) {
                    if (!reply.getMessage().equals(message)) {
                        failures.incrementAndGet();
                    }
                }

                @Override
                public void onError(Throwable t) {
                    failures.incrementAndGet();
                    window.release();
                }

                @Override
                public void onCompleted() {
                    if (timed) {
                        int at = recorded.getAndIncrement();
                        if (at < latencies.length) {
                            latencies[at] = System.nanoTime() - sent;
                        }
                    }
                    done.incrementAndGet();
                    window.release();
                }
            });
        }
        long countedEnd = System.nanoTime();
        long counted = done.get() - Math.max(0, countedFrom);
        Duration cpuUsed = serverCpu.get().minus(cpuAtStart);
        window.acquire(inFlight);
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " calls failed or returned a wrong reply");
        }
        long[] sorted = Arrays.copyOf(latencies, Math.min(recorded.get(), latencies.length));
        Arrays.sort(sorted);
        return new Stats(counted, (countedEnd - countedStart) / 1e9, sorted, cpuUsed);
    }
}
