package io.keelson.wio.core.sched;

import io.keelson.wio.core.device.ThermalModel;

/**
 * What a placement policy sees at a decision point - what a real host can read: the device's temperature (SMART) and
 * its slope over the last seconds, its power against the cap, its throttle state, the host CPU the actors could use,
 * the load offered, the queue waiting, and what a migration has been measured to cost.
 */
public record Observation(double nowSeconds, Placement current, double dwellSeconds, double temperatureC, double slopeCPerSecond,
                          ThermalModel.Throttle throttle, double deviceWatts, double powerCapWatts, double hostHeadroomBytesPerSecond,
                          double offeredBytesPerSecond, double queueBytes, double migrationCostSeconds) {

    /** Seconds until TMT1 at the present slope (infinite when not heating). */
    public double secondsToTmt1(double tmt1C) {
        return temperatureC >= tmt1C ? 0 : slopeCPerSecond <= 0 ? Double.POSITIVE_INFINITY : (tmt1C - temperatureC) / slopeCPerSecond;
    }
}
