package io.keelson.schedcp.core.sim;

/**
 * A scheduling policy as the simulator drives it, the shape of a sched_ext scheduler's enqueue / dispatch / stopping
 * callbacks: runnable tasks are handed to it, an idle CPU asks it for the next task and how long that may run, and
 * it is told what a task ran. A policy may leave a CPU idle (return null) - the verifier counts that against work
 * conservation.
 */
public interface SchedPolicy {

    /** Runs until the task finishes. */
    long TO_COMPLETION = Long.MAX_VALUE;

    String name();

    /** {@code t} became runnable at {@code now} (arrived, or its slice ended unfinished). */
    void enqueue(TaskState t, long now);

    /** The task a CPU that fell idle at {@code now} runs next, taken off the run queue; null leaves the CPU idle. */
    TaskState pickNext(long now);

    /** How long {@code t} may run now before the policy is asked again ({@link #TO_COMPLETION}: non-preemptive). */
    long sliceMicros(TaskState t, long now);

    /** {@code t} just ran {@code micros}. */
    default void charged(TaskState t, long micros) {
    }

    /** Whether tasks are waiting. */
    boolean hasRunnable();
}
