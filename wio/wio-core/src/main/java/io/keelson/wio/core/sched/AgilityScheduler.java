package io.keelson.wio.core.sched;

import io.keelson.wio.core.device.ThermalModel;

/**
 * The agility-aware placement ("reversible"): actors start on the device (sparing host CPU) and move to the host
 * before the device throttles - when TMT1 is nearer than the horizon at the present heating rate, when the device is
 * already throttling, or when it draws more than its power cap - provided the host has the CPU for the load. They
 * return once the device is back below TMT1 by the hysteresis and no longer heating, or when the host falls behind
 * and the device is not throttling. A minimum dwell on each side, the hysteresis and the horizon keep it from
 * flapping; the horizon grows with the measured migration cost.
 *
 * @param minDwellSeconds   how long an actor stays put after a move
 * @param horizonSeconds    how far ahead of TMT1 to leave the device (plus ten times the measured migration cost)
 */
public record AgilityScheduler(ThermalModel thermal, double minDwellSeconds, double horizonSeconds) implements PlacementPolicy {

    public static AgilityScheduler standard(ThermalModel thermal) {
        return new AgilityScheduler(thermal, 60, 30);
    }

    @Override
    public String name() {
        return "reversible";
    }

    @Override
    public Placement initial() {
        return Placement.DEVICE;
    }

    @Override
    public Placement decide(Observation o) {
        if (o.dwellSeconds() < minDwellSeconds) {
            return o.current();
        }
        double horizon = horizonSeconds + 10 * o.migrationCostSeconds();
        boolean hostCanCarry = o.hostHeadroomBytesPerSecond() >= o.offeredBytesPerSecond();
        if (o.current() == Placement.DEVICE) {
            boolean hot = o.throttle() != ThermalModel.Throttle.NONE || o.secondsToTmt1(thermal.tmt1C()) <= horizon
                    || o.deviceWatts() > o.powerCapWatts();
            return hot && hostCanCarry ? Placement.HOST : Placement.DEVICE;
        }
        boolean cool = o.throttle() == ThermalModel.Throttle.NONE && o.temperatureC() <= thermal.tmt1C() - thermal.hysteresisC()
                && o.slopeCPerSecond() <= 0;
        boolean hostBehind = !hostCanCarry && o.throttle() == ThermalModel.Throttle.NONE;
        return cool || hostBehind ? Placement.DEVICE : Placement.HOST;
    }
}
