package io.keelson.wio.core.region;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The memory the host and the computational SSD share - on real hardware a CXL memory region, here a file mapped
 * shared (two processes that map it see one memory) or, in process, a direct buffer. It is cut into actor slots of
 * one size; each slot holds an actor's {@link ControlBlock}, its {@link RecordRing} and its linear memory, so the
 * actor's whole state is in the region and moving the actor between host and device moves no bytes of it.
 */
public final class CxlRegion implements AutoCloseable {

    private final ByteBuffer bytes;
    private final SlotLayout layout;
    private final int slots;
    private final FileChannel file;

    private CxlRegion(ByteBuffer bytes, SlotLayout layout, int slots, FileChannel file) {
        this.bytes = bytes.order(ByteOrder.LITTLE_ENDIAN);
        this.layout = layout;
        this.slots = slots;
        this.file = file;
    }

    /** A region in this process only (host and device executors as threads). */
    public static CxlRegion inProcess(SlotLayout layout, int slots) {
        return new CxlRegion(ByteBuffer.allocateDirect(Math.toIntExact(layout.slotBytes() * slots)), layout, slots, null);
    }

    /** A region in {@code path}, mapped shared: another process mapping the same file with the same layout shares it. */
    public static CxlRegion mapped(Path path, SlotLayout layout, int slots) {
        long size = layout.slotBytes() * slots;
        try {
            FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
            return new CxlRegion(mapped, layout, slots, channel);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot map the shared region " + path + ": " + e.getMessage(), e);
        }
    }

    public int slots() {
        return slots;
    }

    public SlotLayout layout() {
        return layout;
    }

    /** Slot {@code index}: its control block, record ring and linear memory. */
    public ActorSlot slot(int index) {
        if (index < 0 || index >= slots) {
            throw new IllegalArgumentException("slot: 0.." + (slots - 1) + ", was " + index);
        }
        long base = layout.slotBytes() * index;
        return new ActorSlot(index, layout, slice(base, SlotLayout.CONTROL_BYTES), slice(base + SlotLayout.CONTROL_BYTES, layout.ringBytes()),
                slice(base + SlotLayout.CONTROL_BYTES + layout.ringBytes(), layout.memoryBytes()));
    }

    private ByteBuffer slice(long offset, long length) {
        return bytes.slice(Math.toIntExact(offset), Math.toIntExact(length)).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public void close() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
