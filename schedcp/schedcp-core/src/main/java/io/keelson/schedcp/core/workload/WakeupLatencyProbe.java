package io.keelson.schedcp.core.workload;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A schbench-like latency workload as real threads and processes: {@code hogs} CPU-bound processes keep the CPUs busy
 * while {@code threads} threads sleep for {@code interval} again and again and measure how late they wake (the
 * scheduler's wakeup latency plus timer slack). Reports the percentiles of lateness.
 */
public final class WakeupLatencyProbe {

    public record Result(int samples, long p50Micros, long p99Micros, long maxMicros) {
    }

    private WakeupLatencyProbe() {
    }

    public static Result run(int hogs, int threads, Duration interval, Duration duration) throws IOException, InterruptedException {
        List<Process> load = new ArrayList<>();
        try {
            for (int i = 0; i < hogs; i++) {
                load.add(new ProcessBuilder("awk", "BEGIN{for(;;);}").redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
            }
            long end = System.nanoTime() + duration.toNanos();
            long[][] lateness = new long[threads][];
            int[] counts = new int[threads];
            List<Thread> sleepers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int index = t;
                lateness[t] = new long[(int) (duration.toNanos() / interval.toNanos()) + 16];
                Thread th = new Thread(() -> {
                    while (System.nanoTime() < end && counts[index] < lateness[index].length) {
                        long before = System.nanoTime();
                        LockSupport.parkNanos(interval.toNanos());
                        lateness[index][counts[index]++] = Math.max(0, System.nanoTime() - before - interval.toNanos());
                    }
                }, "wakeup-probe-" + t);
                sleepers.add(th);
                th.start();
            }
            for (Thread th : sleepers) {
                th.join();
            }
            long[] all = new long[Arrays.stream(counts).sum()];
            int at = 0;
            for (int t = 0; t < threads; t++) {
                System.arraycopy(lateness[t], 0, all, at, counts[t]);
                at += counts[t];
            }
            Arrays.sort(all);
            return new Result(all.length, percentile(all, 0.50) / 1000, percentile(all, 0.99) / 1000, all.length == 0 ? 0 : all[all.length - 1] / 1000);
        } finally {
            load.forEach(Process::destroyForcibly);
            for (Process p : load) {
                p.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    private static long percentile(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)];
    }
}
