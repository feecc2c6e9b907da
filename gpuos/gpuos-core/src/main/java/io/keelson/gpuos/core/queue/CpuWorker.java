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
    private static final long MIN_PARK_NANOS = 50_000;
    /** An idle worker sleeps at most this long: it bounds the latency of a wake-up that was missed. */
    private static final long MAX_PARK_NANOS = 1_000_000;

    private final TaskRing ring;
    private final Task task;
    private volatile boolean retired;
    private volatile Thread thread;
    private volatile boolean parked;

    public CpuWorker(TaskRing ring, Task task) {
        this.ring = ring;
        this.task = task;
    }

    /** Cuts an idle worker's sleep short (a producer calls it after publishing a task). */
    public void wake() {
        Thread t = thread;
        if (parked && t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Stops this worker after its current task (the watchdog retires a stuck worker it has replaced). */
    public void retire() {
        retired = true;
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        java.nio.ByteBuffer scratch = java.nio.ByteBuffer.allocate(TaskLayout.DESCRIPTOR_LENGTH);
        int idle = 0;
        long park = MIN_PARK_NANOS;
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
                park = MIN_PARK_NANOS;
            } else if (++idle < SPINS_BEFORE_PARK) {
                Thread.onSpinWait();
            } else {
                // back off towards MAX_PARK_NANOS so an idle device costs (almost) no CPU; wake() cuts a sleep short
                parked = true;
                LockSupport.parkNanos(park);
                parked = false;
                park = Math.min(park * 2, MAX_PARK_NANOS);
            }
        }
    }
}
