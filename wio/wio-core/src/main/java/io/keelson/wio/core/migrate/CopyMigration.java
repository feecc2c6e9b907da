package io.keelson.wio.core.migrate;

import io.keelson.wio.core.region.ActorSlot;
import io.keelson.wio.core.region.ControlBlock;
import io.keelson.wio.core.region.SlotLayout;

import java.util.Optional;

/**
 * The baseline {@link DrainAndSwitch} is measured against, as AgileStore and checkpoint/restore systems migrate: the
 * source side drains, then the actor's whole memory, its queued records and its counters are copied into the
 * destination's own slot, where an instance waits to restore them. Correct, but the pause and the bytes moved grow
 * with the actor's memory and its queue.
 */
public final class CopyMigration {

    private CopyMigration() {
    }

    /**
     * Copies a drained actor from {@code from} to {@code to} and makes {@code to} run on {@code destination}; the
     * source slot is left undeployed. Returns the bytes copied.
     */
    public static long copy(ActorSlot from, ActorSlot to, ControlBlock.Side destination) {
        if (from.control().state() != ControlBlock.State.DRAINING || from.control().drainedEpoch() != from.control().epoch()) {
            throw new IllegalStateException("the source has not drained: copy only between records");
        }
        int pages = from.control().pages();
        byte[] memory = from.memory().readBytes(0, pages * SlotLayout.PAGE);
        var target = to.memory();
        target.forceSize(pages);
        target.write(0, memory, 0, memory.length);
        long moved = memory.length;
        for (Optional<byte[]> r = from.ring().peek(); r.isPresent(); r = from.ring().peek()) {
            if (!to.ring().offer(r.get())) {
                throw new IllegalStateException("the destination's ring has no room for the source's queue");
            }
            from.ring().advance();
            moved += r.get().length + 4;
        }
        to.control().processed(from.control().processed());
        to.control().owner(destination);
        to.control().state(ControlBlock.State.RUNNING);
        from.control().owner(ControlBlock.Side.NONE);
        from.control().state(ControlBlock.State.UNDEPLOYED);
        return moved + ControlBlock.SWITCH_BYTES + 8;
    }
}
