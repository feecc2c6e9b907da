package io.keelson.agentcgroup.core.sim;

import java.util.List;

/**
 * What to replay: tenants on a host of {@code capacityBytes}, with the host model's parameters.
 *
 * @param tickSeconds          the simulation step (0.1 s)
 * @param watermarkFraction    free memory the kernel keeps: an allocation that would go below it reclaims first
 *                             (direct reclaim) and waits for it
 * @param reclaimBytesPerSecond how fast direct reclaim frees memory: the allocation stall is the shortfall at this rate
 * @param faultBytesPerSecond  how fast a tenant faults in fresh memory (every allocation pays it)
 * @param stallLimitSeconds    a tenant that cannot make progress this long counts as livelocked (failed)
 * @param seed                 orders tenants within a tick; the same seed gives the same result
 */
public record Scenario(List<TenantSpec> tenants, long capacityBytes, double tickSeconds, double watermarkFraction,
                       double reclaimBytesPerSecond, double faultBytesPerSecond, double stallLimitSeconds, long seed) {

    public Scenario {
        tenants = List.copyOf(tenants);
        if (tenants.isEmpty()) {
            throw new IllegalArgumentException("tenants: at least one");
        }
        if (capacityBytes <= 0 || tickSeconds <= 0 || reclaimBytesPerSecond <= 0) {
            throw new IllegalArgumentException("capacity, tick and reclaim rate must be positive");
        }
    }

    /** Defaults: 100 ms ticks, 5 % watermark, 1 GB/s direct reclaim, 4 GB/s page faults, 60 s without progress is a livelock. */
    public static Scenario of(List<TenantSpec> tenants, long capacityBytes, long seed) {
        return new Scenario(tenants, capacityBytes, 0.1, 0.05, 1e9, 4e9, 60, seed);
    }
}
