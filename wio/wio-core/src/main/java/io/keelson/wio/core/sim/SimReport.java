package io.keelson.wio.core.sim;

/**
 * One placement policy's run: throughput (bytes written per second of the run, and over its last third, after any
 * throttling has set in), write latency from arrival until the record is compressed and acknowledged by the device's
 * write buffer (records still queued at the end count with the time they had waited: a lower bound), migrations,
 * host CPU spent on actors, the share of the actors' work the device did, and the device's thermal story.
 */
public record SimReport(String policy, double seconds, double throughputBytesPerSecond, double lateThroughputBytesPerSecond, double p50Seconds,
                        double p99Seconds, double p999Seconds, long records, long unfinishedRecords, int migrations, double hostCpuSeconds,
                        double maxTemperatureC, double secondsLightThrottle, double secondsHeavyThrottle, double deviceWorkShare) {
}
