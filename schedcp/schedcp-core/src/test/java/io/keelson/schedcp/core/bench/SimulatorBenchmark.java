package io.keelson.schedcp.core.bench;

import io.keelson.schedcp.core.sim.Policies;
import io.keelson.schedcp.core.sim.SchedPolicy;
import io.keelson.schedcp.core.sim.SimResult;
import io.keelson.schedcp.core.sim.SimulationCheck;
import io.keelson.schedcp.core.sim.Simulator;
import io.keelson.schedcp.core.sim.Task;
import io.keelson.schedcp.core.sim.Workloads;
import io.keelson.schedcp.core.workload.ProcessBatch;
import io.keelson.schedcp.core.workload.WakeupLatencyProbe;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Issue 8's simulator benchmark: every built-in policy on every demonstration workload (makespan, P99 wakeup latency,
 * fairness) in one table; the simulator's throughput in scheduling events per second on a large workload; and the
 * verifier's simulation stage per policy, timed; then the batch and a wakeup-latency probe as real processes on this
 * kernel. Run with {@code ./keelson bench schedcp}.
 */
public final class SimulatorBenchmark {

    private static final long HORIZON = 3_600_000_000L;

    private SimulatorBenchmark() {
    }

    public static void main(String[] args) {
        record Case(String name, int cpus, List<Task> tasks) {
        }
        List<Case> cases = List.of(new Case("batch 39+1 (2 CPUs)", 2, Workloads.batch()), new Case("latency (2 CPUs)", 2, Workloads.latency(7)),
                new Case("starvation probe (2 CPUs)", 2, Workloads.starvationProbe(2, 60)));
        System.out.println("| policy | workload | makespan s | P99 wakeup latency ms | Jain fairness of slowdowns | longest wait s |");
        System.out.println("|---|---|---:|---:|---:|---:|");
        for (String p : Policies.names()) {
            for (Case c : cases) {
                SimResult r = checked(Simulator.run(c.cpus(), c.tasks(), Policies.byName(p).orElseThrow(), HORIZON));
                System.out.printf(Locale.ROOT, "| %s | %s | %.2f | %.2f | %.3f | %.1f |%n", p, c.name(), r.makespanMicros() / 1e6,
                        r.p99ResponseMicros() / 1e3, r.jainFairness(), r.longestWait().map(t -> t.maxWaitMicros() / 1e6).orElse(0.0));
            }
        }

        // throughput: 16 CPUs, 16 hogs and 20,000 requests a second for 60 s (1.2 M tasks), fair and FIFO
        List<Task> big = Workloads.latency(1, 16, 60_000_000, 20_000, 200, 5_000);
        for (String p : List.of("fair", "fifo", "edf")) {
            List<Double> rates = new ArrayList<>();
            long events = 0;
            for (int round = 0; round < 6; round++) {
                long t0 = System.nanoTime();
                SimResult r = checked(Simulator.run(16, big, Policies.byName(p).orElseThrow(), HORIZON));
                double seconds = (System.nanoTime() - t0) / 1e9;
                events = r.events();
                if (round > 0) { // the first round warms the JIT
                    rates.add(r.events() / seconds);
                }
            }
            rates.sort(Double::compare);
            System.out.printf(Locale.ROOT, "throughput %s: %,d tasks, %,d scheduling events per run, median %,.0f events/s (min %,.0f, max %,.0f; 5 runs)%n",
                    p, big.size(), events, rates.get(rates.size() / 2), rates.get(0), rates.get(rates.size() - 1));
        }

        // the same batch as real processes on this kernel (its own scheduler, EEVDF), admitted all at once or 2 at a time
        try {
            long perSecond = ProcessBatch.iterationsPerSecond(Duration.ofSeconds(1));
            List<ProcessBatch.Job> jobs = ProcessBatch.batch(perSecond / 4); // 0.25 s short jobs, a 2.5 s long one
            int cpus = Runtime.getRuntime().availableProcessors();
            for (ProcessBatch.Admission a : ProcessBatch.Admission.values()) {
                List<Long> makespans = new ArrayList<>();
                for (int round = 0; round < 3; round++) {
                    ProcessBatch.Result result = ProcessBatch.run(jobs, a, cpus, Duration.ofMinutes(5));
                    if (result.spans().size() != jobs.size() || result.spans().stream().anyMatch(sp -> sp.exitCode() != 0)) {
                        throw new IllegalStateException("real batch " + a + ": a job failed or is missing: " + result.spans());
                    }
                    makespans.add(result.makespanMillis());
                }
                makespans.sort(Long::compare);
                System.out.printf(Locale.ROOT, "real batch (%,d awk iterations/s; 39 × 0.25 s + 1 × 2.5 s of CPU), %s%s: makespan median %.2f s "
                        + "(min %.2f, max %.2f; 3 runs)%n", perSecond, a, a == ProcessBatch.Admission.ALL_AT_ONCE ? "" : " on " + cpus + " slots",
                        makespans.get(1) / 1e3, makespans.get(0) / 1e3, makespans.get(2) / 1e3);
            }
            for (int hogs : new int[] {0, cpus}) {
                WakeupLatencyProbe.Result r = WakeupLatencyProbe.run(hogs, 4, Duration.ofMillis(1), Duration.ofSeconds(5));
                if (r.samples() == 0) {
                    throw new IllegalStateException("the wakeup probe measured nothing");
                }
                System.out.printf(Locale.ROOT, "real wakeup latency, %d CPU hogs, 4 threads sleeping 1 ms for 5 s: %,d wakeups, lateness p50 %d µs, "
                        + "p99 %d µs, max %d µs%n", hogs, r.samples(), r.p50Micros(), r.p99Micros(), r.maxMicros());
            }
        } catch (IOException | InterruptedException e) {
            System.out.println("real-process workloads: not run (" + e.getMessage() + ")");
        }

        // the verifier's simulation stage, timed per policy
        for (String p : Policies.names()) {
            Supplier<SchedPolicy> policy = () -> Policies.byName(p).orElseThrow();
            SimulationCheck.check(policy); // warm
            long t0 = System.nanoTime();
            SimulationCheck.Verdict v = SimulationCheck.check(policy);
            System.out.printf(Locale.ROOT, "simulation stage %s: %s in %.1f ms%n", p,
                    v instanceof SimulationCheck.Rejected r ? "rejected (" + r.reason() + ")" : "passed", (System.nanoTime() - t0) / 1e6);
        }
    }

    /** Every task ran exactly its work and finished; a policy's numbers are only printed for a complete, sound run. */
    private static SimResult checked(SimResult r) {
        for (SimResult.TaskOutcome t : r.tasks()) {
            if (!t.finished() || t.turnaroundMicros() < t.task().workMicros() || t.firstRunMicros() < t.task().arrivalMicros()) {
                throw new IllegalStateException(r.policy() + ": task " + t.task().id() + " did not run as it should: " + t);
            }
        }
        return r;
    }
}
