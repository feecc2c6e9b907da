package io.keelson.wio.core.device;

/**
 * The device's temperature as one lumped thermal mass: {@code C·dT/dt = P − (T − Tamb)/R}, and the NVMe thermal
 * management it triggers (Host Controlled Thermal Management): at TMT1 a light throttle, at TMT2 a heavy one, each
 * lifted only once the temperature is {@code hysteresis} below its threshold.
 *
 * @param ambientC     the air around the drive
 * @param resistanceKW thermal resistance to ambient, K/W (steady state: Tamb + P·R)
 * @param timeConstantS R·C, seconds
 * @param tmt1C        light-throttle threshold; {@code lightFactor} of full speed above it
 * @param tmt2C        heavy-throttle threshold; {@code heavyFactor} above it
 */
public record ThermalModel(double ambientC, double resistanceKW, double timeConstantS, double tmt1C, double tmt2C, double hysteresisC,
                           double lightFactor, double heavyFactor) {

    /** The design brief's constants: 35 °C ambient, 2 K/W, τ = 600 s, TMT1 70 °C (×0.5), TMT2 77 °C (×0.25), 3 °C hysteresis. */
    public static ThermalModel standard() {
        return new ThermalModel(35, 2, 600, 70, 77, 3, 0.5, 0.25);
    }

    /** The throttle state: what share of its full speed the device runs at. */
    public enum Throttle { NONE, LIGHT, HEAVY }

    /** The temperature after {@code dt} seconds at {@code watts} (exact for constant power over the step). */
    public double step(double temperatureC, double watts, double dt) {
        double steady = ambientC + watts * resistanceKW;
        return steady + (temperatureC - steady) * Math.exp(-dt / timeConstantS);
    }

    /** The throttle state at {@code temperatureC}, coming from {@code current} (hysteresis on the way down). */
    public Throttle throttle(Throttle current, double temperatureC) {
        if (temperatureC >= tmt2C) {
            return Throttle.HEAVY;
        }
        if (current == Throttle.HEAVY && temperatureC >= tmt2C - hysteresisC) {
            return Throttle.HEAVY;
        }
        if (temperatureC >= tmt1C) {
            return Throttle.LIGHT;
        }
        if (current != Throttle.NONE && temperatureC >= tmt1C - hysteresisC) {
            return Throttle.LIGHT;
        }
        return Throttle.NONE;
    }

    public double factor(Throttle throttle) {
        return switch (throttle) {
            case NONE -> 1.0;
            case LIGHT -> lightFactor;
            case HEAVY -> heavyFactor;
        };
    }

    /** Seconds until the temperature reaches {@code targetC} at constant {@code watts}; infinite if it never does. */
    public double secondsUntil(double temperatureC, double watts, double targetC) {
        double steady = ambientC + watts * resistanceKW;
        if (temperatureC >= targetC) {
            return 0;
        }
        if (steady <= targetC) {
            return Double.POSITIVE_INFINITY;
        }
        return timeConstantS * Math.log((steady - temperatureC) / (steady - targetC));
    }
}
