package io.keelson.wio.core.sim;

/** A write stream of fixed-size records arriving as a Poisson process. */
public record Workload(double offeredBytesPerSecond, int recordBytes, double seconds, long seed) {

    public Workload {
        if (offeredBytesPerSecond <= 0 || recordBytes <= 0 || seconds <= 0) {
            throw new IllegalArgumentException("workload: positive rate, record size and duration");
        }
    }
}
