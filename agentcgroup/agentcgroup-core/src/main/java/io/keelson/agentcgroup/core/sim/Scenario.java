package io.keelson.agentcgroup.core.sim;

import java.util.List;

/**
 * What to replay: tenants on a host of {@code capacityBytes}, with the host model's parameters.
 *
 * @param tickSeconds          the simulation step (0.1 s at the traces' own pace)
 * @param watermarkFraction    free memory the kernel keeps: an allocation that would go below it reclaims first
 *                             (direct reclaim) and waits for it
 * @param reclaimBytesPerSecond how fast direct reclaim frees memory: the allocation stall is the shortfall at this rate
 * @param faultBytesPerSecond  how fast one CPU faults in fresh memory (every allocation pays it)
 * @param cpuCores             the host's CPUs: tenants faulting at once share them by their CPU weight, one CPU at most each
 * @param stallLimitSeconds    a tenant that cannot make progress this long counts as livelocked (failed)
 * @param seed                 orders tenants within a tick; the same seed gives the same result
 */
public record Scenario(List<TenantSpec> tenants, long capacityBytes, double tickSeconds, double watermarkFraction,
                       double reclaimBytesPerSecond, double faultBytesPerSecond, int cpuCores, double stallLimitSeconds, long seed) {

    /** The study's host had four cores. */
    public static final int DEFAULT_CORES = 4;

    public Scenario {
        tenants = List.copyOf(tenants);
        if (tenants.isEmpty()) {
            throw new IllegalArgumentException("tenants: at least one");
        }
        if (capacityBytes <= 0 || tickSeconds <= 0 || reclaimBytesPerSecond <= 0 || faultBytesPerSecond <= 0 || cpuCores <= 0) {
            throw new IllegalArgumentException("capacity, tick, reclaim and fault rates and cores must be positive");
        }
    }

    /**
     * Defaults: 100 ms ticks, 5 % watermark, 1 GB/s direct reclaim, 4 GB/s page faults per CPU, {@value #DEFAULT_CORES}
     * CPUs, 60 s without progress is a livelock.
     */
    public static Scenario of(List<TenantSpec> tenants, long capacityBytes, long seed) {
        return new Scenario(tenants, capacityBytes, 0.1, 0.05, 1e9, 4e9, DEFAULT_CORES, 60, seed);
    }

    /**
     * The replay run {@code speedUp} times faster than the traces were recorded (the study replayed at 100x), on
     * {@code cores} CPUs: every tenant's trace compressed in time, and the tick shortened as much so that each sample
     * still gets its own.
     */
    public Scenario replayed(double speedUp, int cores) {
        if (speedUp < 1) {
            throw new IllegalArgumentException("speed-up: at least 1, was " + speedUp);
        }
        return new Scenario(tenants.stream().map(t -> t.spedUp(speedUp)).toList(), capacityBytes, tickSeconds / speedUp, watermarkFraction,
                reclaimBytesPerSecond, faultBytesPerSecond, cores, stallLimitSeconds, seed);
    }
}
