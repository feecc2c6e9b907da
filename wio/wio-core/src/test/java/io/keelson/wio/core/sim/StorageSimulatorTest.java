package io.keelson.wio.core.sim;

import io.keelson.wio.core.device.ThermalModel;
import io.keelson.wio.core.sched.AgilityScheduler;
import io.keelson.wio.core.sched.Placement;
import io.keelson.wio.core.sched.PlacementPolicy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class StorageSimulatorTest {

    private static final Platform PLATFORM = Platform.standard();
    private static final Calibration CALIBRATION = new Calibration(20e6, Calibration.measuredStages(), 0.4, 10e-6);

    private static Workload load(double shareOfDevice, double seconds) {
        return new Workload(shareOfDevice * PLATFORM.deviceBytesPerSecond(CALIBRATION), 4096, seconds, 7);
    }

    @Test
    void theThermalModelReachesItsSteadyStateAndCrossesTmt1WhenItPredicts() {
        ThermalModel t = ThermalModel.standard();
        double temperature = t.ambientC();
        double predicted = t.secondsUntil(temperature, 25, t.tmt1C());
        double crossed = Double.NaN;
        for (int s = 0; s < 60_000; s++) { // ten time constants
            temperature = t.step(temperature, 25, 0.1);
            if (Double.isNaN(crossed) && temperature >= t.tmt1C()) {
                crossed = (s + 1) * 0.1;
            }
        }
        assertThat(temperature).isCloseTo(85, within(0.01));   // 35 °C + 25 W × 2 K/W
        assertThat(crossed).isCloseTo(predicted, within(0.1));
        assertThat(predicted / 60).isBetween(10.0, 14.0);        // the brief: TMT1 at ~12 min from cold at full load
        assertThat(t.secondsUntil(50, 12, t.tmt1C())).isInfinite(); // I/O alone settles at 59 °C
        assertThat(t.throttle(ThermalModel.Throttle.LIGHT, 68)).isEqualTo(ThermalModel.Throttle.LIGHT); // hysteresis
        assertThat(t.throttle(ThermalModel.Throttle.LIGHT, 66.9)).isEqualTo(ThermalModel.Throttle.NONE);
        assertThat(t.throttle(ThermalModel.Throttle.NONE, 77)).isEqualTo(ThermalModel.Throttle.HEAVY);
    }

    @Test
    void theSameSeedGivesTheSameRun() {
        PlacementPolicy reversible = AgilityScheduler.standard(PLATFORM);
        assertThat(StorageSimulator.run(PLATFORM, CALIBRATION, load(0.8, 600), reversible))
                .isEqualTo(StorageSimulator.run(PLATFORM, CALIBRATION, load(0.8, 600), reversible));
    }

    @Test
    void staticDeviceThrottlesAtThePredictedTimeAndFallsBehindWhileReversiblePlacementKeepsUp() {
        Workload w = load(0.8, 1800);
        SimReport device = StorageSimulator.run(PLATFORM, CALIBRATION, w, PlacementPolicy.fixed(Placement.DEVICE));
        SimReport reversible = StorageSimulator.run(PLATFORM, CALIBRATION, w, AgilityScheduler.standard(PLATFORM));
        SimReport host = StorageSimulator.run(PLATFORM, CALIBRATION, w, PlacementPolicy.fixed(Placement.HOST));

        // 80 % of the device's compute: 12 + 0.8 × 13 W → TMT1 at 1800 − (time throttled) ≈ when the model says
        double onset = PLATFORM.thermal().secondsUntil(PLATFORM.thermal().ambientC(), 12 + 0.8 * 13, 70);
        assertThat(1800 - device.secondsLightThrottle()).isCloseTo(onset, within(5.0));
        assertThat(device.unfinishedRecords()).isPositive();      // throttled to half, it cannot keep up with 80 %
        assertThat(reversible.secondsLightThrottle() + reversible.secondsHeavyThrottle()).isZero();
        assertThat(reversible.unfinishedRecords()).isZero();
        assertThat(reversible.throughputBytesPerSecond()).isCloseTo(w.offeredBytesPerSecond(), within(0.01 * w.offeredBytesPerSecond()));
        assertThat(reversible.p99Seconds()).isLessThan(device.p99Seconds() / 1000);
        // it spends host CPU only while the device cools, and moves a bounded number of times (dwell, hysteresis)
        assertThat(reversible.hostCpuSeconds()).isLessThan(host.hostCpuSeconds() / 2);
        assertThat(reversible.migrations()).isBetween(2, 30);
        assertThat(reversible.deviceWorkShare()).isGreaterThan(0.5);
    }

    @Test
    void underALoadNeitherSideCarriesAloneReversiblePlacementRunsStagesOnBothWithoutThrottling() {
        Workload w = load(2.0, 1800);
        SimReport device = StorageSimulator.run(PLATFORM, CALIBRATION, w, PlacementPolicy.fixed(Placement.DEVICE));
        SimReport host = StorageSimulator.run(PLATFORM, CALIBRATION, w, PlacementPolicy.fixed(Placement.HOST));
        SimReport reversible = StorageSimulator.run(PLATFORM, CALIBRATION, w, AgilityScheduler.standard(PLATFORM));

        assertThat(host.throughputBytesPerSecond()).isCloseTo(PLATFORM.hostBytesPerSecond(CALIBRATION), within(0.01 * w.offeredBytesPerSecond()));
        assertThat(device.secondsLightThrottle()).isPositive();
        // the compressor on the host, the rest on the device while it is cool; then only what the device sustains
        assertThat(reversible.throughputBytesPerSecond()).isGreaterThan(1.3 * host.throughputBytesPerSecond());
        assertThat(reversible.deviceWorkShare()).isBetween(0.2, 0.8);
        assertThat(reversible.secondsLightThrottle() + reversible.secondsHeavyThrottle()).isZero();
        assertThat(reversible.maxTemperatureC()).isLessThan(PLATFORM.thermal().tmt1C());
        assertThat(reversible.hostCpuSeconds()).isLessThanOrEqualTo(PLATFORM.hostCores() * 1800 * 1.0001);
    }

    @Test
    void anUnloadedPipelineWritesInItsServiceTimePlusTheBufferedWrite() {
        SimReport r = StorageSimulator.run(PLATFORM, CALIBRATION, load(0.05, 60), PlacementPolicy.fixed(Placement.HOST));
        double service = 4096 / PLATFORM.hostBytesPerSecond(CALIBRATION) + PLATFORM.nand().bufferedWriteMicros(1638) / 1e6;
        assertThat(r.p50Seconds()).isCloseTo(service, within(service * 0.02));
    }
}
