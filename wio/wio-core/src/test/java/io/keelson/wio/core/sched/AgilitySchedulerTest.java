package io.keelson.wio.core.sched;

import io.keelson.wio.core.device.ThermalModel;
import io.keelson.wio.core.sim.Calibration;
import io.keelson.wio.core.sim.Platform;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static io.keelson.wio.core.sched.Placement.DEVICE;
import static io.keelson.wio.core.sched.Placement.HOST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class AgilitySchedulerTest {

    private static final Platform PLATFORM = Platform.standard();
    private static final AgilityScheduler SCHEDULER = AgilityScheduler.standard(PLATFORM);
    private static final List<Double> SHARES = List.of(0.2, 0.3, 0.5); // parse, checksum, compress
    private static final double RATE = 30e6;                            // the whole pipeline, on either side

    /** A device at {@code temperature} heating at {@code slope}, the plan {@code current} in place for two minutes. */
    private static Observation at(Plan current, double temperature, double slope, ThermalModel.Throttle throttle, double offered) {
        return new Observation(600, current, 120, temperature, slope, throttle, 20, PLATFORM.powerCapWatts(), RATE, RATE, SHARES, offered, 0, 2e-6);
    }

    @Test
    void aCoolDeviceTakesEveryStageWhenItCarriesTheLoadSparingTheHost() {
        assertThat(SCHEDULER.decide(at(new Plan(List.of(HOST, HOST, HOST)), 50, 0.01, ThermalModel.Throttle.NONE, 0.6 * RATE)))
                .isEqualTo(Plan.all(DEVICE, 3));
    }

    @Test
    void aCoolDeviceAndTheHostShareALoadNeitherCarriesAlone() {
        // 1.8x either side's rate: the compressor on the host (30 / 0.5 = 60 MB/s), the rest on the device (30 / 0.5)
        Plan split = SCHEDULER.decide(at(Plan.all(DEVICE, 3), 50, 0.01, ThermalModel.Throttle.NONE, 1.8 * RATE));
        assertThat(split).isEqualTo(new Plan(List.of(DEVICE, DEVICE, HOST)));
        assertThat(split.rate(SHARES, RATE, RATE)).isEqualTo(60e6);
    }

    @Test
    void aHotDeviceKeepsOnlyWhatItCanSustainAtTheRateThePipelineWillRun() {
        double sustainable = SCHEDULER.sustainableShare(); // (70 − 3 − 35) / 2 − 12 = 4 W of 13
        assertThat(sustainable).isCloseTo(4.0 / 13, within(1e-9));
        Plan hot = SCHEDULER.decide(at(Plan.all(DEVICE, 3), 69, 0.05, ThermalModel.Throttle.NONE, 0.6 * RATE));
        // 18 MB/s offered: parsing and checksumming (0.5 × 18 = 9 MB/s of device work ≤ 30 × 4/13 = 9.2) may stay
        assertThat(hot).isEqualTo(new Plan(List.of(DEVICE, DEVICE, HOST)));
        // saturated: the host's rate bounds the pipeline at 30 / 0.8 = 37.5 MB/s, 7.5 MB/s of it on the device, sustainable
        assertThat(SCHEDULER.decide(at(Plan.all(DEVICE, 3), 69, 0.05, ThermalModel.Throttle.NONE, 10 * RATE)))
                .isEqualTo(new Plan(List.of(DEVICE, HOST, HOST)));
        // throttling: same rule, the device's work at 27 MB/s within what it sustains (the checksum, 0.3 × 27 = 8.1 MB/s)
        Plan throttled = SCHEDULER.decide(at(Plan.all(DEVICE, 3), 71, -0.01, ThermalModel.Throttle.LIGHT, 0.9 * RATE));
        assertThat(throttled).isEqualTo(new Plan(List.of(HOST, DEVICE, HOST)));
        assertThat(throttled.share(DEVICE, SHARES) * 0.9 * RATE).isLessThanOrEqualTo(sustainable * RATE);
    }

    @Test
    void nothingMovesInTheHysteresisBandOrBeforeTheDwellIsOver() {
        Plan split = new Plan(List.of(DEVICE, HOST, HOST));
        assertThat(SCHEDULER.decide(at(split, 68.5, -0.01, ThermalModel.Throttle.NONE, 0.6 * RATE))).isEqualTo(split); // 67 < 68.5 < 70
        Observation justMoved = new Observation(600, split, 10, 50, 0, ThermalModel.Throttle.NONE, 14, 25, RATE, RATE, SHARES, 0.6 * RATE, 0, 2e-6);
        assertThat(SCHEDULER.decide(justMoved)).isEqualTo(split);
    }

    @Test
    void planListsEverySplitOfAFewStagesAndTheCostliestFirstOfMany() {
        assertThat(Plan.candidates(SHARES)).hasSize(8).doesNotHaveDuplicates();
        List<Double> many = IntStream.rangeClosed(1, 12).mapToObj(i -> i / 78.0).toList();
        List<Plan> plans = Plan.candidates(many);
        assertThat(plans).hasSize(13);
        assertThat(plans.get(1).side(11)).isEqualTo(HOST); // the costliest stage moves first
        assertThat(plans.get(12)).isEqualTo(Plan.all(HOST, 12));
        assertThat(Calibration.measuredStages().stream().mapToDouble(Calibration.Stage::share).sum()).isCloseTo(1.0,
                within(1e-9));
    }
}
