package io.keelson.agentcgroup.core.trace;

/**
 * One resource sample of a task's container, about a second apart.
 *
 * @param epoch       seconds since 1970 (UTC), the time to join on
 * @param memoryBytes memory in use
 * @param cpuPercent  CPU use, 100 per fully used core
 */
public record ResourceSample(double epoch, long memoryBytes, double cpuPercent) {
}
