package io.keelson.wio.core.sim;

/** Latencies from 0.1 µs to days in buckets 1 % wide, each counted with a weight (records), for percentiles. */
final class LatencyHistogram {

    private static final double MIN = 1e-7;
    private static final double GROWTH = Math.log(1.01);
    private final double[] counts = new double[4000];
    private double total;

    void add(double seconds, double weight) {
        int bucket = seconds <= MIN ? 0 : (int) Math.min(counts.length - 1, Math.ceil(Math.log(seconds / MIN) / GROWTH));
        counts[bucket] += weight;
        total += weight;
    }

    double total() {
        return total;
    }

    /** The latency at quantile {@code q}: the upper edge of the bucket holding it. */
    double quantile(double q) {
        double target = q * total;
        double seen = 0;
        for (int b = 0; b < counts.length; b++) {
            seen += counts[b];
            if (seen >= target && counts[b] > 0) {
                return MIN * Math.exp(b * GROWTH);
            }
        }
        return 0;
    }
}
