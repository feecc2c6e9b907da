package io.keelson.sysom.core.timeline;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Four ranks with skewed clocks run 200 all-reduces; rank 2 reaches each one 300 µs after the others (a straggler),
 * and ends are jittered. The offsets come back within the jitter, rank 2 is last every time, and the others' waits
 * add up to what it caused.
 */
class AlignmentTest {

    @Test
    void skewIsRecoveredAndTheStragglerNamed() {
        Map<Integer, Double> skew = Map.of(0, 0.0, 1, 1_250.0, 2, -730.0, 3, 40_000.0);
        Random random = new Random(7);
        Map<Integer, List<Double>> starts = new TreeMap<>();
        Map<Integer, List<Double>> ends = new TreeMap<>();
        skew.keySet().forEach(r -> {
            starts.put(r, new ArrayList<>());
            ends.put(r, new ArrayList<>());
        });
        double t = 1_000_000;
        for (int k = 0; k < 200; k++) {
            double lastArrival = t + 300;
            double end = lastArrival + 2_000; // the transfer, once everyone is there
            for (int r = 0; r < 4; r++) {
                double arrival = r == 2 ? t + 300 : t + random.nextDouble() * 20;
                starts.get(r).add(arrival + skew.get(r));
                ends.get(r).add(end + skew.get(r) + random.nextGaussian() * 3);
            }
            t = end + 5_000;
        }
        Map<Integer, Double> offsets = ClockAlignment.offsets(ends, 0);
        skew.forEach((r, s) -> assertThat(offsets.get(r)).as("rank %d", r).isCloseTo(s, within(3.0)));

        Map<Integer, LateArrivals.RankWaits> waits = LateArrivals.analyze(starts, offsets);
        assertThat(waits.get(2).arrivedLast()).isEqualTo(200);
        assertThat(waits.get(2).waitedMicros()).isLessThan(2_000); // it hardly waits (only alignment noise)
        for (int r : List.of(0, 1, 3)) {
            assertThat(waits.get(r).waitedMicros() / 200).as("rank %d waits per collective", r).isCloseTo(290, within(15.0));
        }
        double waitedByOthers = waits.values().stream().mapToDouble(LateArrivals.RankWaits::waitedMicros).sum();
        assertThat(waits.get(2).causedMicros()).isCloseTo(waitedByOthers, within(1e-6));
    }

    @Test
    void ranksWithoutSharedCollectivesAreRefused() {
        assertThatThrownBy(() -> ClockAlignment.offsets(Map.of(0, List.of(1.0), 1, List.of()), 0)).hasMessageContaining("rank 1");
        assertThatThrownBy(() -> ClockAlignment.offsets(Map.of(1, List.of(1.0)), 0)).hasMessageContaining("reference rank 0");
    }
}
