package io.keelson.schedcp.core.sim;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SimulationCheckTest {

    @Test
    void shortestJobFirstIsRejectedForStarvingTheLongTaskWithItsId() {
        SimulationCheck.Verdict v = SimulationCheck.check(Policies::sjf);
        assertThat(v).isInstanceOfSatisfying(SimulationCheck.Rejected.class, r -> {
            assertThat(r.workload()).isEqualTo("starvation-probe");
            assertThat(r.taskId()).isZero(); // the probe's long task
            assertThat(r.reason()).contains("task 0 (long)", "watchdog", "starvation");
        });
    }

    @Test
    void fairAndLongestFirstPassWithTheirNumbers() {
        for (var policy : java.util.List.<java.util.function.Supplier<SchedPolicy>>of(Policies::fair, Policies::ljf, Policies::fifo)) {
            SimulationCheck.Verdict v = SimulationCheck.check(policy);
            assertThat(v).as(policy.get().name()).isInstanceOf(SimulationCheck.Passed.class);
            assertThat(v.runs()).extracting(SimulationCheck.WorkloadRun::workload).containsExactly("batch-39+1", "latency", "starvation-probe");
            assertThat(v.runs()).allSatisfy(r -> assertThat(r.events()).isPositive());
        }
    }

    @Test
    void aPolicyThatLeavesCpusIdleIsNotWorkConserving() {
        SimulationCheck.Verdict v = SimulationCheck.check(() -> new QueuePolicy("one-at-a-time", java.util.Comparator.comparingLong(TaskState::readySinceMicros),
                SchedPolicy.TO_COMPLETION) {
            private boolean busy;

            @Override
            public TaskState pickNext(long now) {
                if (busy) {
                    return null; // never more than one task: the second CPU idles
                }
                busy = true;
                return super.pickNext(now);
            }

            @Override
            public void charged(TaskState t, long micros) {
                busy = false;
            }
        });
        assertThat(v).isInstanceOfSatisfying(SimulationCheck.Rejected.class, r -> assertThat(r.reason()).contains("not work-conserving"));
    }
}
