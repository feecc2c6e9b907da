package io.keelson.gpuos.cuda;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reusable mapped blocks for batch tasks' launch arrays, by power-of-two size. Allocating pinned memory
 * is slow (milliseconds) and freeing it may synchronise the device, so blocks are kept until the device
 * closes: after warm-up the submit path allocates nothing.
 */
final class PinnedBlocks {

    private final Map<Integer, ArrayDeque<PinnedBlock>> idle = new HashMap<>();
    private final List<PinnedBlock> all = new ArrayList<>();
    private final Runnable makeContextCurrent;

    /** @param makeContextCurrent binds the device's context to the calling thread before an allocation */
    PinnedBlocks(Runnable makeContextCurrent) {
        this.makeContextCurrent = makeContextCurrent;
    }

    synchronized PinnedBlock take(int bytes) {
        int size = Integer.highestOneBit(Math.max(bytes, 4096) - 1) << 1;
        PinnedBlock block = idle.computeIfAbsent(size, s -> new ArrayDeque<>()).pollFirst();
        if (block == null) {
            makeContextCurrent.run();
            block = PinnedBlock.allocate(size);
            all.add(block);
        }
        return block;
    }

    synchronized void give(PinnedBlock block) {
        idle.computeIfAbsent(block.length(), s -> new ArrayDeque<>()).addFirst(block);
    }

    /** Frees every block; only once no worker can read them. */
    synchronized void releaseAll() {
        all.forEach(PinnedBlock::release);
        all.clear();
        idle.clear();
    }
}
