package io.keelson.wio.core.region;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An actor's control block at the head of its slot: who owns the actor (host or device), whether it runs or drains
 * toward a switch, the migration epoch and the epoch its last owner drained, its memory's size in pages, and the
 * record ring's head and tail. Every field is read with acquire and written with release (or compare-and-set)
 * ordering, so two executors - threads here, a host and a device over CXL - agree on it without locks.
 */
public final class ControlBlock {

    /** The side an actor runs on. */
    public enum Side { NONE, HOST, DEVICE }

    /**
     * RUNNING: its owner takes records; DRAINING: its owner finishes the call in flight and hands over; FAILED: it
     * trapped or ran past its time limit on the record at the ring's head, which stays there (nothing acknowledged is
     * lost) until the actor is replaced.
     */
    public enum State { UNDEPLOYED, RUNNING, DRAINING, FAILED }

    /** The bytes a drain-and-switch writes: state, epoch, drained epoch, owner (what moves instead of the memory). */
    public static final int SWITCH_BYTES = 4 + 8 + 8 + 4;

    private static final int OWNER = 0;
    private static final int STATE = 4;
    private static final int EPOCH = 8;
    private static final int DRAINED_EPOCH = 16;
    private static final int PAGES = 24;
    private static final int HEAD = 32;
    private static final int TAIL = 40;
    private static final int PROCESSED = 48;

    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final ByteBuffer bytes;

    ControlBlock(ByteBuffer bytes) {
        this.bytes = bytes;
    }

    public Side owner() {
        return Side.values()[(int) INT.getAcquire(bytes, OWNER)];
    }

    public void owner(Side side) {
        INT.setRelease(bytes, OWNER, side.ordinal());
    }

    public State state() {
        return State.values()[(int) INT.getAcquire(bytes, STATE)];
    }

    public void state(State state) {
        INT.setRelease(bytes, STATE, state.ordinal());
    }

    /** Moves the state from {@code expected} to {@code next} if it is still {@code expected}. */
    public boolean compareAndSetState(State expected, State next) {
        return INT.compareAndSet(bytes, STATE, expected.ordinal(), next.ordinal());
    }

    public long epoch() {
        return (long) LONG.getAcquire(bytes, EPOCH);
    }

    public long advanceEpoch() {
        return (long) LONG.getAndAdd(bytes, EPOCH, 1L) + 1;
    }

    public long drainedEpoch() {
        return (long) LONG.getAcquire(bytes, DRAINED_EPOCH);
    }

    public void drainedEpoch(long epoch) {
        LONG.setRelease(bytes, DRAINED_EPOCH, epoch);
    }

    public int pages() {
        return (int) INT.getAcquire(bytes, PAGES);
    }

    void pages(int pages) {
        INT.setRelease(bytes, PAGES, pages);
    }

    long head() {
        return (long) LONG.getAcquire(bytes, HEAD);
    }

    void head(long head) {
        LONG.setRelease(bytes, HEAD, head);
    }

    long tail() {
        return (long) LONG.getAcquire(bytes, TAIL);
    }

    void tail(long tail) {
        LONG.setRelease(bytes, TAIL, tail);
    }

    /** Records the actor has processed, whichever side ran them: the next record's sequence number. */
    public long processed() {
        return (long) LONG.getAcquire(bytes, PROCESSED);
    }

    public void processed(long count) {
        LONG.setRelease(bytes, PROCESSED, count);
    }
}
