package io.keelson.gpuos.core.queue;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The host's side of the ring: submitting returns either the task's ticket with a future that
 * completes when the worker has run it (per-task completion), or {@link Submission.Full}
 * (back-pressure). The ring's COMPLETED counter is the global completion.
 */
public final class TaskQueue {

    /** The answer to a submission. */
    public sealed interface Submission {

        record Accepted(long ticket, CompletableFuture<TaskOutcome> outcome) implements Submission {
        }

        /** Every slot is taken: nothing was queued; try again once workers catch up. */
        record Full() implements Submission {
        }
    }

    private final TaskRing ring;
    private final Map<Long, CompletableFuture<TaskOutcome>> waiting = new ConcurrentHashMap<>();

    public TaskQueue(TaskRing ring) {
        this.ring = ring;
    }

    public TaskRing ring() {
        return ring;
    }

    public Submission submit(TaskRing.SlotWriter writer) {
        CompletableFuture<TaskOutcome> outcome = new CompletableFuture<>();
        // registered before the task is published, so a fast worker always finds it
        long ticket = ring.offer((t, descriptor) -> {
            waiting.put(t, outcome);
            writer.write(t, descriptor);
        });
        return ticket == TaskRing.FULL ? new Submission.Full() : new Submission.Accepted(ticket, outcome);
    }

    /** Tasks submitted whose outcome is not known yet. */
    public int inFlight() {
        return waiting.size();
    }

    /** Wraps what a worker runs so that each task's future completes with its outcome. */
    public CpuWorker.Task completing(CpuWorker.Task task) {
        return new CpuWorker.Task() {
            @Override
            public void run(long ticket, ByteBuffer descriptor) {
                task.run(ticket, descriptor);
                complete(ticket, new TaskOutcome.Done(ticket));
            }

            @Override
            public void failed(long ticket, RuntimeException error) {
                task.failed(ticket, error);
                complete(ticket, new TaskOutcome.Failed(ticket, String.valueOf(error.getMessage())));
            }
        };
    }

    /** Completes the task's future; for workers that report outside {@link #completing} (the GPU worker's completion words). */
    public void complete(long ticket, TaskOutcome outcome) {
        CompletableFuture<TaskOutcome> future = waiting.remove(ticket);
        if (future != null) {
            future.complete(outcome);
        }
    }
}
