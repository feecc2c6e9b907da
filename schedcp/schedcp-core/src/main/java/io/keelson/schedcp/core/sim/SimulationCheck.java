package io.keelson.schedcp.core.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The verifier's dynamic stage: a candidate policy runs the demonstration workloads in the simulator, and is rejected
 * when a task waits in the run queue longer than sched_ext's watchdog (30 s: the kernel would eject the scheduler,
 * "runnable task stall") or a CPU idles while tasks wait (not work-conserving). Otherwise it passes with its numbers.
 */
public final class SimulationCheck {

    public static final long WATCHDOG_MICROS = 30_000_000;

    /** One workload's run: the numbers an agent compares policies by. */
    public record WorkloadRun(String workload, long makespanMicros, long p99ResponseMicros, double jainFairness, long events) {
    }

    /** What the stage decided. */
    public sealed interface Verdict permits Passed, Rejected {
        List<WorkloadRun> runs();
    }

    public record Passed(List<WorkloadRun> runs) implements Verdict {
    }

    /** {@code taskId} is the starved task (-1 when the reason is not one task). */
    public record Rejected(String reason, String workload, int taskId, List<WorkloadRun> runs) implements Verdict {
    }

    private record Case(String name, int cpus, List<Task> tasks) {
    }

    private SimulationCheck() {
    }

    /** Runs {@code policy} (a fresh instance per workload) on 2 CPUs over the batch, latency and starvation-probe workloads. */
    public static Verdict check(Supplier<SchedPolicy> policy) {
        List<Case> cases = List.of(new Case("batch-39+1", 2, Workloads.batch()), new Case("latency", 2, Workloads.latency(7)),
                new Case("starvation-probe", 2, Workloads.starvationProbe(2, 60)));
        List<WorkloadRun> runs = new ArrayList<>();
        for (Case c : cases) {
            SimResult r = Simulator.run(c.cpus(), c.tasks(), policy.get(), 10 * 60 * 1_000_000L);
            runs.add(new WorkloadRun(c.name(), r.makespanMicros(), r.p99ResponseMicros(), r.jainFairness(), r.events()));
            if (r.idleWhileRunnableMicros() > 0) {
                return new Rejected(String.format(Locale.ROOT, "CPUs sat idle %.3f s while tasks waited: not work-conserving",
                        r.idleWhileRunnableMicros() / 1e6), c.name(), -1, runs);
            }
            var starved = r.longestWait().filter(t -> t.maxWaitMicros() > WATCHDOG_MICROS);
            if (starved.isPresent()) {
                SimResult.TaskOutcome t = starved.get();
                return new Rejected(String.format(Locale.ROOT, "task %d (%s) waited %.1f s in the run queue, over the %d s watchdog: starvation",
                        t.task().id(), t.task().name(), t.maxWaitMicros() / 1e6, WATCHDOG_MICROS / 1_000_000), c.name(), t.task().id(), runs);
            }
            if (r.tasks().stream().anyMatch(t -> !t.finished())) {
                return new Rejected("tasks never finished within the simulated 10 minutes", c.name(), -1, runs);
            }
        }
        return new Passed(runs);
    }
}
