package io.keelson.wio.core.sim;

import java.util.List;

/**
 * What was measured for real and drives the simulator: the write pipeline's (logfmt → crc32c → lz) throughput on one
 * host core running the compiled actors, each stage's share of that work, the compression it achieves on the stream,
 * and a migration's pause.
 */
public record Calibration(double hostCoreBytesPerSecond, List<Stage> stages, double compressionRatio, double migrationPauseSeconds) {

    /** One actor of the pipeline and its share of the pipeline's CPU time. */
    public record Stage(String actor, double share) {
    }

    /** Shares measured on the build machine (`./keelson bench wio`, 2026-11-26): parsing, checksumming, compressing. */
    public static List<Stage> measuredStages() {
        return List.of(new Stage("logfmt", 0.184), new Stage("crc32c", 0.318), new Stage("lz", 0.498));
    }

    public Calibration {
        stages = List.copyOf(stages);
        double total = stages.stream().mapToDouble(Stage::share).sum();
        if (hostCoreBytesPerSecond <= 0 || compressionRatio <= 0 || compressionRatio > 2 || migrationPauseSeconds < 0 || stages.isEmpty()
                || stages.stream().anyMatch(s -> s.share() <= 0) || Math.abs(total - 1) > 1e-6) {
            throw new IllegalArgumentException("calibration: positive rate, stages whose shares are positive and add up to 1, ratio in (0, 2], pause >= 0");
        }
    }

    public List<Double> stageShares() {
        return stages.stream().map(Stage::share).toList();
    }
}
