package io.keelson.schedcp.core.sim;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The built-in policies the simulator and the verifier know by name. */
public final class Policies {

    /** EEVDF's base slice on a small machine (0.75 ms × (1 + log2 CPUs) for 2-4 CPUs, rounded). */
    public static final long FAIR_SLICE_MICROS = 3_000;
    public static final long EDF_SLICE_MICROS = 1_000;

    private Policies() {
    }

    public static List<String> names() {
        return List.of("fifo", "fair", "edf", "sjf", "ljf");
    }

    /** A fresh instance of the named policy (policies keep run-queue state, one per simulation). */
    public static Optional<SchedPolicy> byName(String name) {
        return switch (name) {
            case "fifo" -> Optional.of(fifo());
            case "fair" -> Optional.of(fair());
            case "edf" -> Optional.of(edf());
            case "sjf" -> Optional.of(sjf());
            case "ljf" -> Optional.of(ljf());
            default -> Optional.empty();
        };
    }

    /** First come, first served, to completion (scx_simple's FIFO mode, SCHED_FIFO without priorities). */
    public static SchedPolicy fifo() {
        return new QueuePolicy("fifo", Comparator.comparingLong(TaskState::readySinceMicros), SchedPolicy.TO_COMPLETION);
    }

    /** Earliest deadline first, re-decided every millisecond; tasks without a deadline after all that have one. */
    public static SchedPolicy edf() {
        return new QueuePolicy("edf", Comparator.comparingLong(t -> t.task().deadlineMicros()), EDF_SLICE_MICROS);
    }

    /** Shortest job first by declared length, to completion: the best mean turnaround, and starvation of long jobs. */
    public static SchedPolicy sjf() {
        return new QueuePolicy("sjf", Comparator.comparingLong(t -> t.task().workMicros()), SchedPolicy.TO_COMPLETION);
    }

    /** Longest job first, to completion: the long task starts at once and the short ones fill around it (SchedCP's batch win). */
    public static SchedPolicy ljf() {
        return new QueuePolicy("ljf", Comparator.comparingLong((TaskState t) -> t.task().workMicros()).reversed(), SchedPolicy.TO_COMPLETION);
    }

    /**
     * Fair share by virtual runtime (CFS / EEVDF without lag): the task that has had least weighted CPU runs next, for
     * {@value #FAIR_SLICE_MICROS} µs; a task that arrives starts at the queue's minimum, not at zero, so it cannot
     * starve the others by catching up.
     */
    public static SchedPolicy fair() {
        return fair("fair", Comparator.comparingLong(TaskState::vruntime), FAIR_SLICE_MICROS);
    }

    /** A fair policy with its own order (which should begin with virtual runtime) and slice: what the policy DSL builds. */
    static SchedPolicy fair(String name, Comparator<TaskState> order, long slice) {
        return new QueuePolicy(name, order, slice) {
            private long minVruntime;

            @Override
            public void enqueue(TaskState t, long now) {
                if (t.dispatches == 0) {
                    t.vruntime(Math.max(t.vruntime(), minVruntime));
                }
                super.enqueue(t, now);
            }

            @Override
            public TaskState pickNext(long now) {
                TaskState next = super.pickNext(now);
                if (next != null) {
                    minVruntime = Math.max(minVruntime, next.vruntime());
                }
                return next;
            }

            @Override
            public void charged(TaskState t, long micros) {
                t.vruntime(t.vruntime() + micros * Task.NICE_0 / t.task().weight());
            }
        };
    }
}
