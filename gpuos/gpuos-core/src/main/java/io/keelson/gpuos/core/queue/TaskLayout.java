package io.keelson.gpuos.core.queue;

/**
 * The byte layout shared by host and worker: a ring header followed by {@code capacity} slots.
 * The same bytes live in a direct buffer for the CPU worker and in mapped pinned memory for the
 * GPU worker, so every offset is fixed here and nowhere else. All fields are little-endian
 * (the host order of every platform Keelson runs on), 8-byte aligned.
 *
 * <p>Header (each hot field on its own 128-byte line, so producers, workers and the watchdog do not
 * share cache lines):
 * <pre>
 *   TAIL        next position a producer claims (CAS)
 *   HEAD        next position a worker claims (CAS)
 *   COMPLETED   tasks finished, all workers together (global completion)
 *   HEARTBEAT   bumped by every worker loop iteration; the watchdog reads it
 *   QUIT        non-zero asks every worker to stop claiming
 * </pre>
 *
 * <p>Slot ({@link #SLOT_LENGTH} bytes):
 * <pre>
 *   0        8        16                                      SLOT_LENGTH
 *   +--------+--------+---------------------------------------+
 *   |sequence|ticket  |descriptor (DESCRIPTOR_LENGTH bytes)    |
 *   +--------+--------+---------------------------------------+
 * </pre>
 * Publication protocol (a bounded multi-producer multi-consumer ring after D. Vyukov): slot
 * {@code p % capacity} is free for position {@code p} when its sequence equals {@code p}; a
 * producer claims {@code p} by CAS on TAIL, writes ticket and descriptor, then stores sequence
 * {@code p + 1} with release. A worker claims when the sequence equals {@code p + 1} by CAS on HEAD,
 * copies the descriptor out, stores {@code p + capacity} with release (which frees the slot for the
 * next lap), runs the task and adds one to COMPLETED. A reader therefore never sees a half-written
 * descriptor, and a task that hangs holds no slot.
 */
public final class TaskLayout {

    private static final int LINE = 128;

    public static final int TAIL_OFFSET;
    public static final int HEAD_OFFSET;
    public static final int COMPLETED_OFFSET;
    public static final int HEARTBEAT_OFFSET;
    public static final int QUIT_OFFSET;
    public static final int HEADER_LENGTH;

    /** Bytes of task description a producer may write: a task header and one inline launch ({@code device.LaunchCodec}). */
    public static final int DESCRIPTOR_LENGTH = 560;
    public static final int SEQUENCE_OFFSET_IN_SLOT = 0;
    public static final int TICKET_OFFSET_IN_SLOT = 8;
    public static final int DESCRIPTOR_OFFSET_IN_SLOT = 16;
    public static final int SLOT_LENGTH = DESCRIPTOR_OFFSET_IN_SLOT + DESCRIPTOR_LENGTH;

    static {
        int offset = 0;
        TAIL_OFFSET = offset;
        offset += LINE;
        HEAD_OFFSET = offset;
        offset += LINE;
        COMPLETED_OFFSET = offset;
        offset += LINE;
        HEARTBEAT_OFFSET = offset;
        offset += LINE;
        QUIT_OFFSET = offset;
        offset += LINE;
        HEADER_LENGTH = offset;
    }

    private TaskLayout() {
    }

    /** Bytes needed for a ring of {@code capacity} slots. */
    public static int ringLength(int capacity) {
        checkCapacity(capacity);
        return HEADER_LENGTH + capacity * SLOT_LENGTH;
    }

    public static int slotOffset(long position, int capacity) {
        return HEADER_LENGTH + (int) (position & (capacity - 1)) * SLOT_LENGTH;
    }

    /** Capacity must be a power of two (positions map to slots by masking) between 2 and 2^20. */
    public static void checkCapacity(int capacity) {
        if (capacity < 2 || capacity > (1 << 20) || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two between 2 and 1048576, was " + capacity);
        }
    }
}
