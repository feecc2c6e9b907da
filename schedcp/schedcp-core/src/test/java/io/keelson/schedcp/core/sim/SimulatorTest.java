package io.keelson.schedcp.core.sim;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SimulatorTest {

    private static final long HOUR = 3_600_000_000L;

    private static SimResult run(String policy, int cpus, List<Task> tasks) {
        return Simulator.run(cpus, tasks, Policies.byName(policy).orElseThrow(), HOUR);
    }

    @Test
    void onTwoCpusLongestJobFirstBeatsFifoAndFairOnSchedCpsBatch() {
        Map<String, Long> makespan = new TreeMap<>();
        for (String p : List.of("fifo", "fair", "ljf")) {
            makespan.put(p, run(p, 2, Workloads.batch()).makespanMicros());
        }
        // 49 s of work on 2 CPUs: LJF starts the 10 s task at once and fills around it (25 s: 10 short tasks beside it,
        // then 29 on two CPUs, the optimum with whole tasks); FIFO reaches it after the 39 short ones (29 s); fair
        // sharing gives it 1/40 of the machine until they are done
        assertThat(makespan.get("ljf")).isEqualTo(25_000_000);
        assertThat(makespan.get("fifo")).isEqualTo(29_000_000);
        assertThat(makespan.get("ljf")).isLessThan(makespan.get("fair"));
        assertThat(makespan.get("fair")).isGreaterThan(28_000_000);
    }

    @Test
    void everyTaskRunsExactlyItsWorkAndNoPolicyIdlesACpuWithWorkWaiting() {
        for (String p : Policies.names()) {
            SimResult r = run(p, 2, Workloads.latency(3));
            assertThat(r.tasks()).as(p).allSatisfy(t -> {
                assertThat(t.finished()).isTrue();
                assertThat(t.turnaroundMicros()).isGreaterThanOrEqualTo(t.task().workMicros());
                assertThat(t.firstRunMicros()).isGreaterThanOrEqualTo(t.task().arrivalMicros());
            });
            assertThat(r.idleWhileRunnableMicros()).as(p).isZero();
            // work conservation: with two hogs running the whole time, the makespan is the total work over 2 CPUs
            long work = r.tasks().stream().mapToLong(t -> t.task().workMicros()).sum();
            assertThat(r.makespanMicros()).as(p).isBetween((work + 1) / 2, work / 2 + 1_000_000);
        }
    }

    @Test
    void requestsWakeUpFastUnderFairAndEdfAndWaitForTheHogsUnderRunToCompletionPolicies() {
        List<Task> latency = Workloads.latency(11);
        long fair = run("fair", 2, latency).p99ResponseMicros();
        long edf = run("edf", 2, latency).p99ResponseMicros();
        long fifo = run("fifo", 2, latency).p99ResponseMicros();
        assertThat(edf).isLessThanOrEqualTo(Policies.EDF_SLICE_MICROS * 2);
        assertThat(fair).isLessThan(20_000);
        assertThat(fifo).as("the hogs hold both CPUs for 10 s").isGreaterThan(5_000_000);
    }

    @Test
    void theFairPolicySharesByWeight() {
        // two CPU-bound tasks on one CPU for 1 s, weights 2048 and 1024: the heavier gets two thirds while both run
        List<Task> tasks = List.of(new Task(0, "heavy", 0, 2_000_000, Task.NO_DEADLINE, 2048), new Task(1, "light", 0, 2_000_000, Task.NO_DEADLINE, 1024));
        SimResult r = run("fair", 1, tasks);
        // the heavy one finishes first, at ~3 s (2 s of its own + 1 s of the light one's)
        assertThat(r.tasks().get(0).finishMicros()).isBetween(2_990_000L, 3_010_000L);
        assertThat(r.tasks().get(1).finishMicros()).isEqualTo(4_000_000);
    }

    @Test
    void theSameInputGivesTheSameScheduleAndBadArgumentsAreRefused() {
        assertThat(run("fair", 2, Workloads.latency(5))).isEqualTo(run("fair", 2, Workloads.latency(5)));
        assertThatThrownBy(() -> Simulator.run(0, Workloads.batch(), Policies.fifo(), HOUR)).hasMessageContaining("cpus");
        assertThatThrownBy(() -> Task.of(1, "x", 0, 0)).hasMessageContaining("work > 0");
    }
}
