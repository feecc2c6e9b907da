package io.keelson.sysom.agent;

/**
 * One reading of a process and its host, as cumulative counters: on-CPU and run-queue time summed over the
 * process's threads ({@code /proc/<pid>/task/*\/schedstat}), resident memory, bytes read and written
 * ({@code /proc/<pid>/io}), and the host's pages scanned and stolen by reclaim ({@code /proc/vmstat}).
 */
public record ProcessSample(long nanos, long onCpuNanos, long runQueueNanos, long threads, long rssBytes, long readBytes, long writeBytes,
                            long reclaimScanned, long reclaimStolen) {

    /** What happened between {@code earlier} and this reading, per second of wall time. */
    public Rates since(ProcessSample earlier) {
        double seconds = Math.max(1e-9, (nanos - earlier.nanos) / 1e9);
        return new Rates(seconds, (onCpuNanos - earlier.onCpuNanos) / 1e9 / seconds, (runQueueNanos - earlier.runQueueNanos) / 1e3 / seconds,
                rssBytes, (readBytes - earlier.readBytes) / seconds, (writeBytes - earlier.writeBytes) / seconds,
                (reclaimStolen - earlier.reclaimStolen) / seconds);
    }

    /**
     * @param cpus          CPUs used (1.0 = one core busy the whole time)
     * @param schedDelayMicrosPerSecond time runnable but waiting for a CPU, per second
     */
    public record Rates(double seconds, double cpus, double schedDelayMicrosPerSecond, long rssBytes, double readBytesPerSecond,
                        double writeBytesPerSecond, double reclaimedPagesPerSecond) {
    }
}
