package io.keelson.wio.core.sched;

import io.keelson.wio.core.device.ThermalModel;

import java.util.List;

/**
 * What a placement policy sees at a decision point - what a real host can read: the device's temperature (SMART) and
 * its slope over the last seconds, its power against the cap, its throttle state, what the host's cores and the
 * device's (at full speed) can run of the pipeline, each stage's share of the pipeline's work, the load offered, the
 * queue waiting, and what a migration has been measured to cost.
 *
 * @param hostBytesPerSecond   the whole pipeline's rate on the host cores the actors may use
 * @param deviceBytesPerSecond the whole pipeline's rate on the device at full speed (before any throttle)
 * @param stageShares          each stage's share of the pipeline's work (they add up to 1)
 */
public record Observation(double nowSeconds, Plan current, double dwellSeconds, double temperatureC, double slopeCPerSecond,
                          ThermalModel.Throttle throttle, double deviceWatts, double powerCapWatts, double hostBytesPerSecond,
                          double deviceBytesPerSecond, List<Double> stageShares, double offeredBytesPerSecond, double queueBytes,
                          double migrationCostSeconds) {

    public Observation {
        stageShares = List.copyOf(stageShares);
        if (stageShares.size() != current.stages().size()) {
            throw new IllegalArgumentException("one share per stage: " + stageShares.size() + " shares, " + current.stages().size() + " stages");
        }
    }

    /** Seconds until TMT1 at the present slope (infinite when not heating). */
    public double secondsToTmt1(double tmt1C) {
        return temperatureC >= tmt1C ? 0 : slopeCPerSecond <= 0 ? Double.POSITIVE_INFINITY : (tmt1C - temperatureC) / slopeCPerSecond;
    }
}
