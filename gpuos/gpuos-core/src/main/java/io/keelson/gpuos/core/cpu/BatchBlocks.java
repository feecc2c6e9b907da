package io.keelson.gpuos.core.cpu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Recycled direct buffers for batch blocks: a flush of 10,000 launches writes about 5 MB of
 * descriptors, and allocating (and zeroing) that afresh for every flush would cost more than encoding it.
 * At most {@link #KEPT} blocks are kept; a block that is too small is dropped for a bigger one.
 */
final class BatchBlocks {

    private static final int KEPT = 8;
    private static final int MIN_BYTES = 64 << 10;

    private final ConcurrentLinkedDeque<ByteBuffer> free = new ConcurrentLinkedDeque<>();

    ByteBuffer take(int bytes) {
        ByteBuffer block;
        while ((block = free.pollFirst()) != null) {
            if (block.capacity() >= bytes) {
                return block.clear();
            }
        }
        return ByteBuffer.allocateDirect(Math.max(bytes, MIN_BYTES)).order(ByteOrder.LITTLE_ENDIAN);
    }

    void give(ByteBuffer block) {
        if (free.size() < KEPT) {
            free.addFirst(block);
        }
    }
}
