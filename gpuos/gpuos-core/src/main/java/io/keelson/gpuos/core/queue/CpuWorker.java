package io.keelson.gpuos.core.queue;

import java.util.concurrent.locks.LockSupport;

/**
 * The CPU backend's persistent worker: one long-lived loop that drains the ring, exactly as the GPU
 * worker does (claim, run, count, beat), until QUIT is set. It never exits because a task failed:
 * a task that throws is counted completed with the failure reported to {@link Task#failed}.
 */
public final class CpuWorker implements Runnable {

    /** What the worker runs for each claimed task. */
    public interface Task {
        void run(long ticket, java.nio.ByteBuffer descriptor);

        /** The task threw; the worker carries on. */
        default void failed(long ticket, RuntimeException error) {
        }
    }

    private static final int SPINS_BEFORE_PARK = 1_000;
    private static final long PARK_NANOS = 50_000;

    private final TaskRing ring;
    private final Task task;
    private volatile boolean retired;

    public CpuWorker(TaskRing ring, Task task) {
        this.ring = ring;
        this.task = task;
    }

    /** Stops this worker after its current task (the watchdog retires a stuck worker it has replaced). */
    public void retire() {
        retired = true;
    }

    @Override
    public void run() {
        java.nio.ByteBuffer scratch = java.nio.ByteBuffer.allocate(TaskLayout.DESCRIPTOR_LENGTH);
        int idle = 0;
        while (!retired && !ring.quitRequested() && !Thread.currentThread().isInterrupted()) {
            ring.beat();
            long ticket = ring.poll(scratch, (t, descriptor) -> {
                try {
                    task.run(t, descriptor);
                } catch (RuntimeException e) {
                    task.failed(t, e);
                }
            });
            if (ticket != TaskRing.EMPTY) {
                idle = 0;
            } else if (++idle < SPINS_BEFORE_PARK) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(PARK_NANOS);
            }
        }
    }
}
