package io.keelson.sysom.core.diagnosis;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** L0 on a simulated 64-rank job: a rank that turns 15 % slower at step 40 is found, dated, and nobody else is. */
class StepTimesTest {

    private static Map<Integer, double[]> job(long seed, int slowRank, int slowFrom, double slowdown) {
        Random random = new Random(seed);
        Map<Integer, double[]> steps = new TreeMap<>();
        for (int r = 0; r < 64; r++) {
            double[] s = new double[100];
            for (int i = 0; i < s.length; i++) {
                s[i] = 1_000_000 * (1 + random.nextGaussian() * 0.01) * (r == slowRank && i >= slowFrom ? slowdown : 1);
            }
            steps.put(r, s);
        }
        return steps;
    }

    @Test
    void aRankTurningSlowIsFoundAndDated() {
        List<StepTimes.Suspect> suspects = StepTimes.suspects(job(1, 17, 40, 1.15), StepTimes.DEFAULT_THRESHOLD);
        assertThat(suspects).singleElement().satisfies(s -> {
            assertThat(s.rank()).isEqualTo(17);
            assertThat(s.stepsFlagged()).isBetween(55, 60);
            assertThat(s.medianSlowdown()).isCloseTo(1.15, within(0.02));
            assertThat(s.slowSince()).hasValue(40);
        });
    }

    @Test
    void aHealthyJobHasNoSuspects() {
        assertThat(StepTimes.suspects(job(2, -1, 0, 1), StepTimes.DEFAULT_THRESHOLD)).isEmpty();
    }

    @Test
    void oneOutlierCannotHideBehindItsOwnWeight() {
        // by mean and standard deviation a single 10x rank among 4 scores about 2; the robust score is huge
        double[] z = StepTimes.robustZ(new double[] {100, 101, 99, 100, 1000});
        assertThat(z[4]).isGreaterThan(100);
        assertThat(z[0]).isCloseTo(0, within(1.0));
        assertThat(StepTimes.robustZ(new double[] {5, 5, 5, 5})).containsOnly(0);
    }

    @Test
    void changePointsOnlyForASlowdown() {
        assertThat(StepTimes.changePoint(new double[] {10, 10, 11, 10, 20, 21, 20, 20})).isEqualTo(Optional.of(4));
        assertThat(StepTimes.changePoint(new double[] {20, 21, 20, 20, 10, 10, 11, 10})).isEmpty(); // it got faster
        assertThat(StepTimes.changePoint(new double[] {10, 11, 10, 11, 10, 11})).isEmpty();
    }
}
