package io.keelson.gpuos.core.device;

import java.util.Arrays;

/** The last {@code size} submit-to-complete latencies, for p50/p99 without unbounded memory. */
final class LatencyWindow {

    private final long[] samples;
    private long recorded;

    LatencyWindow(int size) {
        samples = new long[size];
    }

    synchronized void record(long nanos) {
        samples[(int) (recorded++ % samples.length)] = nanos;
    }

    /** The {@code q}-quantile (0..1) of the window, nearest rank; 0 when empty. */
    synchronized long quantile(double q) {
        int n = (int) Math.min(recorded, samples.length);
        if (n == 0) {
            return 0;
        }
        long[] sorted = Arrays.copyOf(samples, n);
        Arrays.sort(sorted);
        return sorted[Math.min(n - 1, (int) Math.ceil(q * n) - 1 < 0 ? 0 : (int) Math.ceil(q * n) - 1)];
    }
}
