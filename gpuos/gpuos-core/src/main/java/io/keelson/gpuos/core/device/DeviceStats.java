package io.keelson.gpuos.core.device;

/**
 * A snapshot of a device's queue and worker. Rates are over roughly the last second; latencies are
 * submit-to-complete of recent tasks (0 when none completed yet).
 */
public record DeviceStats(
        long queueDepth,
        long tasksSubmitted,
        long tasksCompleted,
        long tasksFailed,
        long launchesCompleted,
        double launchesPerSecond,
        long latencyP50Nanos,
        long latencyP99Nanos,
        long heartbeat,
        long heartbeatAgeNanos,
        long workerRelaunches,
        long tensors,
        long tensorBytes) {
}
