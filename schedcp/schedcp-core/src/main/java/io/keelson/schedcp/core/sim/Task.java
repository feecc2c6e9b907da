package io.keelson.schedcp.core.sim;

/**
 * A task of a simulated workload: it becomes runnable at {@code arrivalMicros} and needs {@code workMicros} of CPU.
 * {@code deadlineMicros} (absolute; {@link #NO_DEADLINE} when none) is what EDF orders by; {@code weight} is the nice
 * weight a fair scheduler shares by (1024 = nice 0).
 */
public record Task(int id, String name, long arrivalMicros, long workMicros, long deadlineMicros, int weight) {

    public static final long NO_DEADLINE = Long.MAX_VALUE;
    public static final int NICE_0 = 1024;

    public Task {
        if (arrivalMicros < 0 || workMicros <= 0 || weight <= 0) {
            throw new IllegalArgumentException("task " + id + ": arrival >= 0, work > 0 and weight > 0 (were " + arrivalMicros + ", " + workMicros
                    + ", " + weight + ")");
        }
    }

    public static Task of(int id, String name, long arrivalMicros, long workMicros) {
        return new Task(id, name, arrivalMicros, workMicros, NO_DEADLINE, NICE_0);
    }
}
