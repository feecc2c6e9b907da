package io.keelson.schedcp.core.sim;

import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * A policy that is one ordered run queue and a time slice: the first task by {@code order} runs next, for
 * {@code slice} (or to completion). FIFO, EDF, SJF and LJF are this with different orders; the fair policy adds
 * virtual runtime.
 */
class QueuePolicy implements SchedPolicy {

    private final String name;
    private final long slice;
    final PriorityQueue<TaskState> queue;

    QueuePolicy(String name, Comparator<TaskState> order, long slice) {
        this.name = name;
        this.slice = slice;
        // ties go to the task that became runnable first, then the lower id: deterministic
        this.queue = new PriorityQueue<>(order.thenComparingLong(TaskState::readySinceMicros).thenComparingInt(t -> t.task().id()));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void enqueue(TaskState t, long now) {
        queue.add(t);
    }

    @Override
    public TaskState pickNext(long now) {
        return queue.poll();
    }

    @Override
    public long sliceMicros(TaskState t, long now) {
        return slice;
    }

    @Override
    public boolean hasRunnable() {
        return !queue.isEmpty();
    }
}
