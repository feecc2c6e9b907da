package io.keelson.agentcgroup.core.policy;

/**
 * Kubernetes MemoryQoS (KEP-2570): a container's {@code memory.max} is its limit and its {@code memory.high} is
 * {@code floor[(request + factor × (limit − request)) / page] × page}, throttling it before it reaches the limit.
 * The simulator's policy and the live one compute the same numbers here.
 */
public final class MemoryQos {

    public static final double DEFAULT_FACTOR = 0.9;
    private static final long PAGE = 4096;

    private MemoryQos() {
    }

    public static long memoryHigh(long request, long limit, double factor) {
        return (long) Math.floor((request + factor * (limit - request)) / PAGE) * PAGE;
    }
}
