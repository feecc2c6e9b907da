package io.keelson.wio.core.sim;

/**
 * What was measured for real and drives the simulator: the write pipeline's (logfmt → crc32c → lz) throughput on one
 * host core running the compiled actors, the compression it achieves on the stream, and a migration's pause.
 */
public record Calibration(double hostCoreBytesPerSecond, double compressionRatio, double migrationPauseSeconds) {

    public Calibration {
        if (hostCoreBytesPerSecond <= 0 || compressionRatio <= 0 || compressionRatio > 2 || migrationPauseSeconds < 0) {
            throw new IllegalArgumentException("calibration: positive rate, ratio in (0, 2], pause >= 0");
        }
    }
}
