package io.keelson.schedcp.core.sim;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One simulated run: per task when it first ran and finished and its longest wait in the run queue, plus what the
 * verifier checks (the longest wait against the watchdog, time a CPU sat idle while tasks waited) and the scheduling
 * events simulated.
 *
 * @param idleWhileRunnableMicros CPU time left idle while a task was runnable (0 for a work-conserving policy)
 */
public record SimResult(String policy, int cpus, List<TaskOutcome> tasks, long idleWhileRunnableMicros, long events) {

    /** {@code finishMicros} is -1 for a task that never finished (a policy that stopped dispatching). */
    public record TaskOutcome(Task task, long firstRunMicros, long finishMicros, long maxWaitMicros, int dispatches) {

        public boolean finished() {
            return finishMicros >= 0;
        }

        /** Arrival to first run: the wakeup latency schbench measures. */
        public long responseMicros() {
            return firstRunMicros < 0 ? Long.MAX_VALUE : firstRunMicros - task.arrivalMicros();
        }

        public long turnaroundMicros() {
            return finishMicros < 0 ? Long.MAX_VALUE : finishMicros - task.arrivalMicros();
        }
    }

    /** First arrival to last finish. */
    public long makespanMicros() {
        long start = tasks.stream().mapToLong(t -> t.task().arrivalMicros()).min().orElse(0);
        return tasks.stream().mapToLong(TaskOutcome::finishMicros).max().orElse(start) - start;
    }

    public long p99ResponseMicros() {
        return percentile(tasks.stream().mapToLong(TaskOutcome::responseMicros).toArray(), 0.99);
    }

    public long p99TurnaroundMicros() {
        return percentile(tasks.stream().mapToLong(TaskOutcome::turnaroundMicros).toArray(), 0.99);
    }

    /** The task that waited longest in the run queue at once, if any waited. */
    public Optional<TaskOutcome> longestWait() {
        return tasks.stream().filter(t -> t.maxWaitMicros() > 0).max(java.util.Comparator.comparingLong(TaskOutcome::maxWaitMicros));
    }

    /**
     * Jain's fairness index over the tasks' slowdowns (turnaround over work): 1 when every task is slowed alike, 1/n
     * when one task takes all the slowdown.
     */
    public double jainFairness() {
        double sum = 0;
        double squares = 0;
        int n = 0;
        for (TaskOutcome t : tasks) {
            if (t.finished()) {
                double slowdown = (double) t.turnaroundMicros() / t.task().workMicros();
                sum += slowdown;
                squares += slowdown * slowdown;
                n++;
            }
        }
        return n == 0 || squares == 0 ? 0 : sum * sum / (n * squares);
    }

    static long percentile(long[] values, double q) {
        if (values.length == 0) {
            return 0;
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)];
    }
}
