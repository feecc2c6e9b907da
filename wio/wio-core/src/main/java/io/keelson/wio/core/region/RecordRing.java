package io.keelson.wio.core.region;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * An actor's queue of input records, in its slot of the region so it survives a switch of owner: one producer
 * appends framed records (a 4-byte length, the bytes, padded to 4) at the tail; the actor's owner of the moment
 * takes them at the head. Full is back-pressure ({@link #offer} says no), never a silent drop. Head and tail live in
 * the {@link ControlBlock} and are published with release ordering after the bytes they cover.
 */
public final class RecordRing {

    private static final int FRAME = 4;

    private final ControlBlock control;
    private final ByteBuffer bytes;
    private final long capacity;
    private final long mask;

    RecordRing(ControlBlock control, ByteBuffer bytes) {
        this.control = control;
        this.bytes = bytes;
        this.capacity = bytes.capacity();
        this.mask = capacity - 1;
    }

    /** The largest record the ring takes. */
    public int maxRecord() {
        return (int) Math.min(Integer.MAX_VALUE, capacity / 2 - FRAME);
    }

    /** Appends {@code record} (one producer at a time); false when the ring has no room for it now. */
    public boolean offer(byte[] record) {
        if (record.length > maxRecord()) {
            throw new IllegalArgumentException("record: at most " + maxRecord() + " bytes, was " + record.length);
        }
        long tail = control.tail();
        long framed = framed(record.length);
        if (tail + framed - control.head() > capacity) {
            return false;
        }
        putInt(tail, record.length);
        int at = (int) ((tail + FRAME) & mask);
        int first = (int) Math.min(record.length, capacity - at);
        bytes.put(at, record, 0, first);
        bytes.put(0, record, first, record.length - first);
        control.tail(tail + framed);
        return true;
    }

    /** The record at the head, without taking it. */
    public Optional<byte[]> peek() {
        long head = control.head();
        if (head == control.tail()) {
            return Optional.empty();
        }
        int length = getInt(head);
        byte[] record = new byte[length];
        int at = (int) ((head + FRAME) & mask);
        int first = (int) Math.min(length, capacity - at);
        bytes.get(at, record, 0, first);
        bytes.get(0, record, first, length - first);
        return Optional.of(record);
    }

    /** Takes the record at the head (after it was processed: a crash in between leaves it for the next owner). */
    public void advance() {
        long head = control.head();
        if (head == control.tail()) {
            throw new IllegalStateException("the ring is empty");
        }
        control.head(head + framed(getInt(head)));
    }

    public boolean isEmpty() {
        return control.head() == control.tail();
    }

    /** Bytes waiting (framing included). */
    public long depthBytes() {
        return control.tail() - control.head();
    }

    private static long framed(int length) {
        return FRAME + ((length + 3L) & ~3L);
    }

    private void putInt(long at, int v) {
        bytes.putInt((int) (at & mask), v); // frames are 4-aligned and the capacity a power of two: never split
    }

    private int getInt(long at) {
        return bytes.getInt((int) (at & mask));
    }
}
