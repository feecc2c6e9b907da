package io.keelson.wio.core.region;

/**
 * How each actor slot of a {@link CxlRegion} is laid out: a 4 KiB control block, then the record ring, then the
 * actor's linear memory (whole 64 KiB wasm pages: its memory limit).
 */
public record SlotLayout(long ringBytes, long memoryBytes) {

    public static final int CONTROL_BYTES = 4096;
    public static final int PAGE = 65536;

    public SlotLayout {
        if (ringBytes < 4096 || Long.bitCount(ringBytes) != 1) {
            throw new IllegalArgumentException("ring: a power of two of at least 4 KiB, was " + ringBytes);
        }
        if (memoryBytes < PAGE || memoryBytes % PAGE != 0) {
            throw new IllegalArgumentException("memory: whole 64 KiB pages, was " + memoryBytes);
        }
    }

    /** 1 MiB of ring and 1 MiB (16 pages) of memory per actor. */
    public static SlotLayout standard() {
        return new SlotLayout(1 << 20, 16L * PAGE);
    }

    public long slotBytes() {
        return CONTROL_BYTES + ringBytes + memoryBytes;
    }

    public int maxPages() {
        return Math.toIntExact(memoryBytes / PAGE);
    }
}
