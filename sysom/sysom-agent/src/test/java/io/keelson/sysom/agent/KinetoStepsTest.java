package io.keelson.sysom.agent;

import io.keelson.sysom.core.diagnosis.LayeredDiagnosis;
import io.keelson.sysom.core.timeline.JobStore;
import io.keelson.sysom.core.timeline.RankStep;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Two ranks of HTA's 128-rank job (testdata, MIT licence) read as step reports and diagnosed together. */
class KinetoStepsTest {

    private static final Path TRACES = Path.of("../testdata/traces/hta/trace_filter");

    @Test
    void eachProfilerStepBecomesAStepWithItsGpuWorkAndCollectives() throws Exception {
        KinetoSteps.Steps rank0 = KinetoSteps.read(TRACES.resolve("sampled_rank-0.json.gz"));
        KinetoSteps.Steps rank1 = KinetoSteps.read(TRACES.resolve("sampled_rank-1.json.gz"));
        assertThat(rank0.rank()).hasValue(0);
        assertThat(rank1.rank()).hasValue(1);
        assertThat(rank0.worldSize()).hasValue(128);
        assertThat(rank0.steps()).extracting(RankStep::step).contains(551, 552);
        assertThat(rank0.steps()).extracting(RankStep::step).isEqualTo(rank1.steps().stream().map(RankStep::step).toList());
        for (RankStep s : rank0.steps()) {
            assertThat(s.endMicros()).isGreaterThan(s.startMicros());
            assertThat(s.busyMicros()).isLessThanOrEqualTo(s.endMicros() - s.startMicros());
        }
        assertThat(rank0.steps()).anySatisfy(s -> {
            assertThat(s.computeMicros()).isPositive();
            assertThat(s.collectives()).isNotEmpty();
        });

        // the two ranks as a job of two: its complete steps diagnose (no fault is claimed for real data here)
        JobStore store = new JobStore();
        for (KinetoSteps.Steps r : List.of(rank0, rank1)) {
            r.steps().forEach(s -> store.add("hta-128", 2, s));
        }
        assertThat(store.jobs()).singleElement().satisfies(j -> assertThat(j.completeSteps()).isEqualTo(rank0.steps().size()));
        assertThat(new LayeredDiagnosis(LayeredDiagnosis.Settings.defaults()).diagnose(store.window("hta-128", 4).orElseThrow()))
                .isNotNull();
    }
}
