package io.keelson.sysom.core.trace;

/**
 * What a node agent reads about a rank's process over one step from {@code /proc} and its cgroup: time runnable
 * but not running (schedstat run-queue delay), pages reclaimed on its behalf, and time in interrupt handlers.
 */
public record HostSample(double schedDelayMicros, long reclaimedPages, double irqMicros) {
}
