package io.keelson.sysom.core.xfault;

import io.keelson.sysom.core.diagnosis.BaselineDetector;
import io.keelson.sysom.core.diagnosis.LayeredDiagnosis;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** XFault end to end on a 64-rank job (the 1,024-rank run is the benchmark, not a test). */
class FaultBenchmarkTest {

    @Test
    void theLayeredDiagnosisFindsEveryInjectedFaultAndTheBaselineMissesWhatHasNoSlowRank() {
        LayeredDiagnosis layered = new LayeredDiagnosis(LayeredDiagnosis.Settings.defaults());
        BaselineDetector baseline = new BaselineDetector(0.10);
        FaultBenchmark.Result result = FaultBenchmark.run(new FaultBenchmark.Options(new Topology(8, 4, 2), 12, 6, 4, List.of(0.1, 0.3),
                        2, 4, 2, 40, 5), XFaultFixture.profile(),
                List.of(new FaultBenchmark.Detector("layered", layered::diagnose), new FaultBenchmark.Detector("baseline", baseline::diagnose)));
        assertThat(result.scenarios()).isEqualTo(6 * 2 * 2 + 2 + 4 + 2);
        FaultBenchmark.Scores ours = result.scores().get(0);
        FaultBenchmark.Scores simple = result.scores().get(1);
        assertThat(ours.singleRecall()).isGreaterThanOrEqualTo(0.95);
        assertThat(ours.singlePrecision()).isGreaterThanOrEqualTo(0.9);
        assertThat(ours.classAccuracy()).isGreaterThanOrEqualTo(0.9);
        assertThat(ours.pairRecall()).isGreaterThanOrEqualTo(0.8);
        assertThat(ours.hangRecall()).isEqualTo(1.0);
        assertThat(ours.maxLatency()).isLessThanOrEqualTo(2);
        assertThat(ours.falseAlarmsPer1000()).isLessThanOrEqualTo(1);
        // the baseline has no edges, classes or hangs
        assertThat(simple.recallByClass().get(FaultClass.SLOW_LINK)).isZero();
        assertThat(simple.hangRecall()).isZero();
        assertThat(simple.classAccuracy()).isZero();
    }
}
