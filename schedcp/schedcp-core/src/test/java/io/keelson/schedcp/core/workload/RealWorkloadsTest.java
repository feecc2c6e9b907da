package io.keelson.schedcp.core.workload;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Comparator;

import static org.assertj.core.api.Assertions.assertThat;

/** The demonstration workloads as real processes on this kernel; timings are measured by the benchmark, not asserted. */
class RealWorkloadsTest {

    @Test
    void theBatchRunsAsRealProcessesInTheAdmissionOrderAsked() throws Exception {
        long perSecond = ProcessBatch.iterationsPerSecond(Duration.ofMillis(200));
        assertThat(perSecond).isPositive();
        var jobs = ProcessBatch.batch(perSecond / 50); // 20 ms short jobs, a 200 ms long one
        ProcessBatch.Result ljf = ProcessBatch.run(jobs, ProcessBatch.Admission.LONGEST_FIRST, 2, Duration.ofMinutes(2));
        ProcessBatch.Result fifo = ProcessBatch.run(jobs, ProcessBatch.Admission.FIFO, 2, Duration.ofMinutes(2));
        for (ProcessBatch.Result r : java.util.List.of(ljf, fifo)) {
            assertThat(r.spans()).hasSize(40).allSatisfy(s -> {
                assertThat(s.exitCode()).isZero();
                assertThat(s.endMillis()).isGreaterThanOrEqualTo(s.startMillis());
            });
            assertThat(r.makespanMillis()).isPositive();
        }
        assertThat(ljf.spans().stream().min(Comparator.comparingLong(ProcessBatch.Span::startMillis)).orElseThrow().name()).isEqualTo("long");
        assertThat(fifo.spans().stream().filter(s -> s.name().equals("long")).findFirst().orElseThrow().startMillis())
                .isGreaterThanOrEqualTo(fifo.spans().stream().filter(s -> !s.name().equals("long")).mapToLong(ProcessBatch.Span::startMillis).max().orElseThrow());
    }

    @Test
    void theLatencyProbeMeasuresWakeupsUnderLoad() throws Exception {
        WakeupLatencyProbe.Result r = WakeupLatencyProbe.run(1, 2, Duration.ofMillis(1), Duration.ofMillis(300));
        assertThat(r.samples()).isPositive();
        assertThat(r.p50Micros()).isLessThanOrEqualTo(r.p99Micros());
        assertThat(r.p99Micros()).isLessThanOrEqualTo(r.maxMicros());
    }
}
