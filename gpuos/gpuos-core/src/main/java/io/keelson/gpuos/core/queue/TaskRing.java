package io.keelson.gpuos.core.queue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The atomic task queue over {@link TaskLayout}'s bytes: many producers, many workers, bounded.
 * A full ring is a return value ({@link #FULL}), never a silent drop; misuse is an exception.
 * Every shared access names its ordering ({@code getAcquire}, {@code setRelease}, CAS).
 *
 * <p>Tasks leave in ticket order, and a slot is consumable only once published: a producer preempted between
 * claiming and publishing holds back the tasks behind it (workers see {@link #EMPTY} meanwhile). So the ring
 * is not linearizable on emptiness — Lincheck finds that history — though it never loses or reorders a task.
 */
public final class TaskRing {

    /** {@link #offer} result when every slot is taken: back-pressure, try again later. */
    public static final long FULL = -1;
    /** {@link #poll} result when no task is published. */
    public static final long EMPTY = -1;

    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Writes one task's descriptor into its slot; called once the slot is claimed, before it is published. */
    @FunctionalInterface
    public interface SlotWriter {
        void write(long ticket, ByteBuffer descriptor);
    }

    /** Runs one claimed task on the worker's copy of its descriptor. */
    @FunctionalInterface
    public interface SlotReader {
        void run(long ticket, ByteBuffer descriptor);
    }

    private final ByteBuffer bytes;
    private final int capacity;

    /** A ring in a fresh direct buffer (the CPU worker's memory). */
    public TaskRing(int capacity) {
        this(ByteBuffer.allocateDirect(TaskLayout.ringLength(capacity)), capacity);
    }

    /** A ring over memory someone else allocated (e.g. pinned, device-mapped host memory); it is initialised here. */
    public TaskRing(ByteBuffer memory, int capacity) {
        TaskLayout.checkCapacity(capacity);
        if (!memory.isDirect() || memory.capacity() < TaskLayout.ringLength(capacity)) {
            throw new IllegalArgumentException("need a direct buffer of at least " + TaskLayout.ringLength(capacity)
                    + " bytes, got " + (memory.isDirect() ? memory.capacity() + " bytes" : "a heap buffer"));
        }
        this.bytes = memory.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.capacity = capacity;
        for (long p = 0; p < capacity; p++) {
            LONGS.setRelease(bytes, TaskLayout.slotOffset(p, capacity) + TaskLayout.SEQUENCE_OFFSET_IN_SLOT, p);
        }
        for (int field : new int[]{TaskLayout.TAIL_OFFSET, TaskLayout.HEAD_OFFSET, TaskLayout.COMPLETED_OFFSET,
                TaskLayout.HEARTBEAT_OFFSET, TaskLayout.QUIT_OFFSET}) {
            LONGS.setRelease(bytes, field, 0L);
        }
    }

    public int capacity() {
        return capacity;
    }

    /**
     * Claims the next position, lets {@code writer} fill the descriptor and publishes the task.
     *
     * @return the task's ticket (its position, unique and increasing), or {@link #FULL}
     */
    public long offer(SlotWriter writer) {
        while (true) {
            long position = (long) LONGS.getAcquire(bytes, TaskLayout.TAIL_OFFSET);
            int slot = TaskLayout.slotOffset(position, capacity);
            long sequence = (long) LONGS.getAcquire(bytes, slot + TaskLayout.SEQUENCE_OFFSET_IN_SLOT);
            long lag = sequence - position;
            if (lag < 0) {
                return FULL;
            }
            if (lag == 0 && LONGS.compareAndSet(bytes, TaskLayout.TAIL_OFFSET, position, position + 1)) {
                LONGS.set(bytes, slot + TaskLayout.TICKET_OFFSET_IN_SLOT, position);
                writer.write(position, descriptor(slot));
                LONGS.setRelease(bytes, slot + TaskLayout.SEQUENCE_OFFSET_IN_SLOT, position + 1);
                return position;
            }
            // another producer took this position first: read the tail again
        }
    }

    /**
     * Claims the oldest published task, copies its descriptor into {@code scratch}, frees the slot, runs
     * {@code reader} on the copy and counts the task completed. Freeing the slot before the task runs (as the
     * GPU worker copies a task into shared memory first) means a task that hangs holds no slot: the ring keeps
     * moving around it and the watchdog can replace its worker.
     *
     * @param scratch the worker's own buffer of at least {@link TaskLayout#DESCRIPTOR_LENGTH} bytes
     * @return the ticket that ran, or {@link #EMPTY}
     */
    public long poll(ByteBuffer scratch, SlotReader reader) {
        if (scratch.capacity() < TaskLayout.DESCRIPTOR_LENGTH) {
            throw new IllegalArgumentException("scratch buffer needs " + TaskLayout.DESCRIPTOR_LENGTH
                    + " bytes, has " + scratch.capacity());
        }
        while (true) {
            long position = (long) LONGS.getAcquire(bytes, TaskLayout.HEAD_OFFSET);
            int slot = TaskLayout.slotOffset(position, capacity);
            long sequence = (long) LONGS.getAcquire(bytes, slot + TaskLayout.SEQUENCE_OFFSET_IN_SLOT);
            long lag = sequence - (position + 1);
            if (lag < 0) {
                return EMPTY;
            }
            if (lag == 0 && LONGS.compareAndSet(bytes, TaskLayout.HEAD_OFFSET, position, position + 1)) {
                long ticket = (long) LONGS.get(bytes, slot + TaskLayout.TICKET_OFFSET_IN_SLOT);
                scratch.clear().order(ByteOrder.LITTLE_ENDIAN);
                scratch.put(0, bytes, slot + TaskLayout.DESCRIPTOR_OFFSET_IN_SLOT, TaskLayout.DESCRIPTOR_LENGTH);
                scratch.limit(TaskLayout.DESCRIPTOR_LENGTH);
                LONGS.setRelease(bytes, slot + TaskLayout.SEQUENCE_OFFSET_IN_SLOT, position + capacity);
                try {
                    reader.run(ticket, scratch);
                } finally {
                    LONGS.getAndAdd(bytes, TaskLayout.COMPLETED_OFFSET, 1L);
                }
                return ticket;
            }
        }
    }

    /** Tasks published and not yet claimed or finished (an instantaneous, approximate view). */
    public long depth() {
        return Math.max(0, (long) LONGS.getAcquire(bytes, TaskLayout.TAIL_OFFSET) - completed());
    }

    public long submitted() {
        return (long) LONGS.getAcquire(bytes, TaskLayout.TAIL_OFFSET);
    }

    public long completed() {
        return (long) LONGS.getAcquire(bytes, TaskLayout.COMPLETED_OFFSET);
    }

    public long heartbeat() {
        return (long) LONGS.getAcquire(bytes, TaskLayout.HEARTBEAT_OFFSET);
    }

    /** Counts tasks completed by a worker that does not complete through {@link #poll} (the GPU worker, observed by the host). */
    public void countCompleted(long tasks) {
        LONGS.getAndAdd(bytes, TaskLayout.COMPLETED_OFFSET, tasks);
    }

    public void clearQuit() {
        LONGS.setRelease(bytes, TaskLayout.QUIT_OFFSET, 0L);
    }

    /** Called by a worker on every loop iteration, busy or idle. */
    public void beat() {
        LONGS.getAndAdd(bytes, TaskLayout.HEARTBEAT_OFFSET, 1L);
    }

    public void requestQuit() {
        LONGS.setRelease(bytes, TaskLayout.QUIT_OFFSET, 1L);
    }

    public boolean quitRequested() {
        return (long) LONGS.getAcquire(bytes, TaskLayout.QUIT_OFFSET) != 0;
    }

    private ByteBuffer descriptor(int slot) {
        return bytes.slice(slot + TaskLayout.DESCRIPTOR_OFFSET_IN_SLOT, TaskLayout.DESCRIPTOR_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    }
}
