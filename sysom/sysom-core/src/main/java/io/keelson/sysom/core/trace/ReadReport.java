package io.keelson.sysom.core.trace;

import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/** What reading a trace found: events kept, events skipped by reason, and whether the file ended early. */
public final class ReadReport {

    private long kept;
    private final Map<String, Long> skipped = new TreeMap<>();
    private long truncatedAt = -1;

    void kept() {
        kept++;
    }

    void skipped(String reason) {
        skipped.merge(reason, 1L, Long::sum);
    }

    /** The input ended, or turned to garbage, at {@code byteOffset} (of the decompressed stream for a gzipped file). */
    void truncated(long byteOffset) {
        truncatedAt = Math.max(0, byteOffset);
    }

    public long keptEvents() {
        return kept;
    }

    public Map<String, Long> skippedByReason() {
        return Map.copyOf(skipped);
    }

    public long skippedEvents() {
        return skipped.values().stream().mapToLong(Long::longValue).sum();
    }

    public boolean wasTruncated() {
        return truncatedAt >= 0;
    }

    /** Where the input was cut or damaged: what came before was read. */
    public OptionalLong truncatedAt() {
        return truncatedAt >= 0 ? OptionalLong.of(truncatedAt) : OptionalLong.empty();
    }

    @Override
    public String toString() {
        return kept + " events" + (skipped.isEmpty() ? "" : ", skipped " + skipped) + (truncatedAt >= 0 ? ", file cut or damaged at byte " + truncatedAt : "");
    }
}
