package io.keelson.wio.core.sched;

import io.keelson.wio.core.device.ThermalModel;
import io.keelson.wio.core.sim.Platform;

import java.util.Comparator;
import java.util.function.ToDoubleFunction;

/**
 * The agility-aware placement ("reversible"), actor by actor: every stage starts on the device (sparing host CPU);
 * each decision picks the split of the pipeline's stages between device and host that serves the load (the offered
 * rate plus draining the queue), and among those the one that leaves the most host CPU spare, moving as few stages as
 * it can. What the device may carry depends on its heat:
 * <ul>
 *   <li>hot - throttling, TMT1 nearer than the horizon at the present heating rate, or over its power cap: only what it
 *   can sustain at the rate the pipeline will then run, i.e. compute whose steady-state temperature stays at
 *   TMT1 − hysteresis (lumped RC model), so it cools instead of throttling;</li>
 *   <li>cool - below TMT1 − hysteresis and not hot: its full speed (its thermal mass buys the time until it is hot);</li>
 *   <li>in between: nothing moves (the hysteresis band).</li>
 * </ul>
 * When no split serves the load, the one that serves the most. A minimum dwell after each move, the hysteresis and
 * the horizon keep it from flapping; the horizon grows with the measured migration cost.
 *
 * @param minDwellSeconds   how long the placement stays put after a move
 * @param horizonSeconds    how far ahead of TMT1 the device counts as hot (plus ten times the measured migration cost)
 */
public record AgilityScheduler(Platform platform, double minDwellSeconds, double horizonSeconds) implements PlacementPolicy {

    /** The queue is to be drained within this many seconds on top of the offered load. */
    static final double DRAIN_SECONDS = 10;

    public static AgilityScheduler standard(Platform platform) {
        return new AgilityScheduler(platform, 60, 30);
    }

    @Override
    public String name() {
        return "reversible";
    }

    @Override
    public Plan initial(int stages) {
        return Plan.all(Placement.DEVICE, stages);
    }

    @Override
    public Plan decide(Observation o) {
        if (o.dwellSeconds() < minDwellSeconds) {
            return o.current();
        }
        ThermalModel thermal = platform.thermal();
        double horizon = horizonSeconds + 10 * o.migrationCostSeconds();
        boolean hot = o.throttle() != ThermalModel.Throttle.NONE || o.secondsToTmt1(thermal.tmt1C()) <= horizon
                || o.deviceWatts() > o.powerCapWatts();
        boolean cool = !hot && o.temperatureC() <= thermal.tmt1C() - thermal.hysteresisC();
        if (!hot && !cool) {
            return o.current();
        }
        double device = o.deviceBytesPerSecond() * thermal.factor(o.throttle());
        // hot: the device's work under the plan, at the rate the pipeline would then run, must be what it can sustain
        double deviceBudget = hot ? sustainableShare() * o.deviceBytesPerSecond() : Double.POSITIVE_INFINITY;
        double need = o.offeredBytesPerSecond() + o.queueBytes() / DRAIN_SECONDS;
        ToDoubleFunction<Plan> served = p -> Math.min(need, p.rate(o.stageShares(), o.hostBytesPerSecond(), device));
        Comparator<Plan> better = Comparator.comparingDouble(served)
                .thenComparing(Comparator.comparingDouble((Plan p) -> p.share(Placement.HOST, o.stageShares())).reversed())
                .thenComparing(Comparator.comparingInt((Plan p) -> p.moves(o.current())).reversed());
        return Plan.candidates(o.stageShares()).stream()
                .filter(p -> served.applyAsDouble(p) * p.share(Placement.DEVICE, o.stageShares()) <= deviceBudget)
                .max(better).orElse(o.current());
    }

    /** The share of its full-speed compute the device can keep up for good without getting warmer than TMT1 − hysteresis. */
    double sustainableShare() {
        ThermalModel t = platform.thermal();
        double watts = (t.tmt1C() - t.hysteresisC() - t.ambientC()) / t.resistanceKW() - platform.ioWatts();
        return Math.max(0, Math.min(1, watts / platform.computeWatts()));
    }
}
