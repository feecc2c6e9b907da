package io.keelson.gpuos.core.frontend;

import io.keelson.gpuos.core.device.Device;
import io.keelson.gpuos.core.tensor.DType;

import java.util.ArrayList;
import java.util.List;

/**
 * Device allocations for flush outputs, reused across sessions of one {@link GpuOs} (PyTorch's caching
 * allocator, in small): allocating and zeroing megabytes per flush would cost more than the work.
 * Memory stays with the client that allocated it, and every element handed out is overwritten by the
 * kernel that produces it, so reuse exposes nothing. At most {@code maxBytes} are kept; the rest is freed.
 */
final class ArenaCache {

    record Arena(long handle, DType dtype, long elements) {
        long bytes() {
            return elements * dtype.bytes();
        }
    }

    private final Device device;
    private final long maxBytes;
    private final List<Arena> free = new ArrayList<>();
    private long freeBytes;

    ArenaCache(Device device, long maxBytes) {
        this.device = device;
        this.maxBytes = maxBytes;
    }

    /** A cached arena of {@code dtype} holding at least {@code elements} (the smallest that fits), or a new one. */
    Arena take(DType dtype, long elements) {
        synchronized (this) {
            Arena best = null;
            for (Arena a : free) {
                if (a.dtype() == dtype && a.elements() >= elements && (best == null || a.elements() < best.elements())) {
                    best = a;
                }
            }
            if (best != null) {
                free.remove(best);
                freeBytes -= best.bytes();
                return best;
            }
        }
        return new Arena(device.allocate(dtype, elements), dtype, elements);
    }

    void give(Arena arena) {
        synchronized (this) {
            if (freeBytes + arena.bytes() <= maxBytes) {
                free.add(arena);
                freeBytes += arena.bytes();
                return;
            }
        }
        device.free(arena.handle());
    }
}
