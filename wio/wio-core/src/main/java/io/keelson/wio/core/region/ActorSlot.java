package io.keelson.wio.core.region;

import java.nio.ByteBuffer;

/** One actor's part of the region: its control block, its record ring and its linear memory. */
public final class ActorSlot {

    private final int index;
    private final ControlBlock control;
    private final RecordRing ring;
    private final ByteBuffer memory;
    private final SlotLayout layout;

    ActorSlot(int index, SlotLayout layout, ByteBuffer control, ByteBuffer ring, ByteBuffer memory) {
        this.index = index;
        this.layout = layout;
        this.control = new ControlBlock(control);
        this.ring = new RecordRing(this.control, ring);
        this.memory = memory;
    }

    public int index() {
        return index;
    }

    public ControlBlock control() {
        return control;
    }

    public RecordRing ring() {
        return ring;
    }

    /** A view of the actor's linear memory as a wasm {@code Memory} (any number of views share the same bytes). */
    public RegionMemory memory() {
        return new RegionMemory(memory, control, layout.maxPages());
    }
}
