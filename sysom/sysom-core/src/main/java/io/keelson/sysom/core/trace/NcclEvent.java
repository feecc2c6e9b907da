package io.keelson.sysom.core.trace;

/**
 * One rank's part in one collective, as NCCL's profiler hooks (or the flight recorder) report it: communicator,
 * collective, its sequence number on that communicator, bytes, when the rank arrived ({@code startMicros}) and
 * when the collective completed there ({@code endMicros}; NaN while it has not), and how long the rank's own send
 * to its ring successor {@code peer} took ({@code sendMicros}: the per-edge time the proxy thread measures).
 */
public record NcclEvent(String communicator, String collective, long sequence, long bytes, int rank, int peer, double startMicros,
                        double endMicros, double sendMicros) {

    public boolean completed() {
        return !Double.isNaN(endMicros);
    }

    /** Arrival to completion: waiting for the last rank plus the transfer. */
    public double durationMicros() {
        return endMicros - startMicros;
    }
}
