package io.keelson.sysom.agent;

import io.keelson.sysom.core.diagnosis.LayeredDiagnosis;
import io.keelson.sysom.core.timeline.JobStore;
import io.keelson.sysom.core.timeline.RankStep;
import io.keelson.sysom.core.trace.NcclEvent;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Two ranks of HTA's 128-rank job (testdata, MIT licence) read as step reports and diagnosed together. */
class KinetoStepsTest {

    private static final Path TRACES = Path.of("../testdata/traces/hta/trace_filter");

    @Test
    void aRanksSkewedClockIsPutBackOnTheFirstRanksClockFromCollectiveEnds() throws Exception {
        KinetoSteps.Steps rank0 = KinetoSteps.read(TRACES.resolve("sampled_rank-0.json.gz"));
        KinetoSteps.Steps rank1 = KinetoSteps.read(TRACES.resolve("sampled_rank-1.json.gz"));
        List<KinetoSteps.Steps> asRecorded = KinetoSteps.align(List.of(rank0, rank1));
        double recordedOffset = asRecorded.get(1).steps().get(0).startMicros() - rank1.steps().get(0).startMicros();
        // skew rank 1's clock by 5 ms: alignment must take the skew back out, leaving what it found in the recording
        KinetoSteps.Steps skewed = new KinetoSteps.Steps(rank1.rank(), rank1.worldSize(), rank1.steps().stream().map(s -> new RankStep(s.rank(),
                s.step(), s.startMicros() + 5_000, s.endMicros() + 5_000, s.collectives().stream().map(e -> new io.keelson.sysom.core.trace.NcclEvent(
                e.communicator(), e.collective(), e.sequence(), e.bytes(), e.rank(), e.peer(), e.startMicros() + 5_000, e.endMicros() + 5_000,
                e.sendMicros())).toList(), s.computeMicros(), s.memcpyMicros(), s.stacks(), s.host())).toList(), rank1.report());
        List<KinetoSteps.Steps> aligned = KinetoSteps.align(List.of(rank0, skewed));
        assertThat(aligned.get(0)).isEqualTo(rank0);
        assertThat(aligned.get(1).steps().get(0).startMicros() - rank1.steps().get(0).startMicros())
                .isCloseTo(recordedOffset, org.assertj.core.data.Offset.offset(1.0));
        // on one clock, the step's data-parallel collective (its own stream, once per step) ends at the same time on both
        double end0 = last(aligned.get(0).steps().get(0));
        double end1 = last(aligned.get(1).steps().get(0));
        assertThat(Math.abs(end0 - end1)).isLessThan(500);
        assertThat(Math.abs(last(rank0.steps().get(0)) - last(skewed.steps().get(0)))).isGreaterThan(4_000);
    }

    @Test
    void twoRanksOnOneClockSplitEachCollectivesWaitFromItsSend() throws Exception {
        List<KinetoSteps.Steps> aligned = KinetoSteps.align(List.of(KinetoSteps.read(TRACES.resolve("sampled_rank-0.json.gz")),
                KinetoSteps.read(TRACES.resolve("sampled_rank-1.json.gz"))));
        List<KinetoSteps.Steps> split = KinetoSteps.splitWaits(aligned);

        RankStep step0 = split.get(0).steps().get(0);
        RankStep step1 = split.get(1).steps().get(0);
        // the step's last collective completes on both ranks together: one sequence number, and neither sends longer than its span
        NcclEvent last0 = step0.collectives().stream().max(java.util.Comparator.comparingDouble(NcclEvent::endMicros)).orElseThrow();
        NcclEvent last1 = step1.collectives().stream().filter(e -> e.communicator().equals(last0.communicator()) && e.sequence() == last0.sequence())
                .findFirst().orElseThrow();
        for (NcclEvent e : List.of(last0, last1)) {
            assertThat(e.sendMicros()).isBetween(0.0, e.durationMicros());
        }
        // the rank that arrived first waited: its send is its span less the other's lateness
        NcclEvent early = last0.startMicros() <= last1.startMicros() ? last0 : last1;
        NcclEvent late = early == last0 ? last1 : last0;
        assertThat(early.sendMicros()).isCloseTo(early.endMicros() - late.startMicros(), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(late.sendMicros()).isEqualTo(late.durationMicros());
        // spans, steps and the number of collectives are untouched
        assertThat(split.get(0).steps()).hasSameSizeAs(aligned.get(0).steps());
        assertThat(step0.collectives()).hasSameSizeAs(aligned.get(0).steps().get(0).collectives());
        assertThat(step0.startMicros()).isEqualTo(aligned.get(0).steps().get(0).startMicros());
    }

    private static double last(RankStep s) {
        return s.collectives().get(s.collectives().size() - 1).endMicros();
    }

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
