package io.keelson.agentcgroup.core.sim;

import java.util.List;
import java.util.Optional;

/**
 * One policy's replay. {@code slowdown} is finish time over trace duration minus one; {@code p95StallMillis}
 * is the 95th percentile of the tenant's allocation stalls (direct reclaim); delays are what the policy
 * injected; over-provisioning is memory reserved by limits and left unused.
 */
public record SimResult(String policy, long capacityBytes, List<TenantResult> tenants, double overProvisionedMbSeconds,
                        double simulatedSeconds) {

    /**
     * @param allocations      times the tenant's memory grew
     * @param p95StallMillis   95th percentile over those allocations of the time each waited (page faults + reclaim)
     * @param stalledAllocations allocations that had to wait for direct reclaim
     */
    public record TenantResult(String name, Priority priority, boolean survived, Optional<String> killedBecause,
                               double finishSeconds, double slowdown, int allocations, double p95StallMillis,
                               int stalledAllocations, double delayedSeconds, double frozenSeconds, double throttledSeconds,
                               long peakBytes) {
    }

    public long killed() {
        return tenants.stream().filter(t -> !t.survived()).count();
    }

    public double survival() {
        return tenants.isEmpty() ? 0 : (double) (tenants.size() - killed()) / tenants.size();
    }

    /** The worst slowdown of a surviving high-priority tenant (0 when none survived). */
    public double highSlowdown() {
        return tenants.stream().filter(t -> t.priority() == Priority.HIGH && t.survived()).mapToDouble(TenantResult::slowdown).max().orElse(0);
    }

    public double highP95StallMillis() {
        return tenants.stream().filter(t -> t.priority() == Priority.HIGH).mapToDouble(TenantResult::p95StallMillis).max().orElse(0);
    }

    public double injectedDelaySeconds() {
        return tenants.stream().mapToDouble(t -> t.delayedSeconds() + t.throttledSeconds()).sum();
    }
}
