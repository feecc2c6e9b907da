package io.keelson.gpuos.cuda;

import io.keelson.gpuos.core.device.DeviceException;

import java.util.Map;
import java.util.TreeMap;

/**
 * Ranges of one device allocation made at start. Freeing device memory ({@code cuMemFree}) may synchronise
 * the whole device, which would wait forever on the persistent worker, so tensors are carved out of one
 * region instead: first fit, 256-byte aligned (what {@code cuMemAlloc} guarantees), neighbours merged on
 * release.
 */
final class DeviceArena {

    static final long ALIGNMENT = 256;

    private final long size;
    private final TreeMap<Long, Long> free = new TreeMap<>(); // offset -> length
    private long used;

    DeviceArena(long size) {
        this.size = size;
        free.put(0L, size);
    }

    /** The offset of a new range of at least {@code bytes}. */
    synchronized long take(long bytes) {
        long length = align(Math.max(bytes, 1));
        for (Map.Entry<Long, Long> range : free.entrySet()) {
            long offset = range.getKey();
            long available = range.getValue(); // read first: TreeMap reuses a removed entry's node for its successor
            if (available >= length) {
                free.remove(offset);
                if (available > length) {
                    free.put(offset + length, available - length);
                }
                used += length;
                return offset;
            }
        }
        throw new DeviceException(DeviceException.Kind.LIMIT, "elements", "device memory arena has no free range of " + length
                + " bytes (" + used + " of " + size + " bytes in use, fragmented into " + free.size() + " free ranges)");
    }

    synchronized void give(long offset, long bytes) {
        long length = align(Math.max(bytes, 1));
        used -= length;
        long start = offset;
        long end = offset + length;
        Map.Entry<Long, Long> before = free.floorEntry(offset);
        if (before != null && before.getKey() + before.getValue() == offset) {
            start = before.getKey();
            free.remove(before.getKey());
        }
        Long after = free.get(end);
        if (after != null) {
            free.remove(end);
            end += after;
        }
        free.put(start, end - start);
    }

    synchronized long used() {
        return used;
    }

    synchronized int freeRanges() {
        return free.size();
    }

    static long align(long bytes) {
        return (bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }
}
