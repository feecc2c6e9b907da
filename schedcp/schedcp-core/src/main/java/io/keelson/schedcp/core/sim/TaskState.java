package io.keelson.schedcp.core.sim;

/**
 * A task's state while the simulator runs it: what is left, its virtual runtime (fair policies), and when it last
 * became runnable. Policies read it to order their run queues.
 */
public final class TaskState {

    final Task task;
    long remaining;
    long vruntime;
    long readySince;
    long firstRun = -1;
    long finish = -1;
    long maxWait;
    int dispatches;

    TaskState(Task task) {
        this.task = task;
        this.remaining = task.workMicros();
    }

    public Task task() {
        return task;
    }

    public long remainingMicros() {
        return remaining;
    }

    public long vruntime() {
        return vruntime;
    }

    /** Set by fair policies as they charge the task for the CPU it used. */
    public void vruntime(long vruntime) {
        this.vruntime = vruntime;
    }

    public long readySinceMicros() {
        return readySince;
    }
}
