package io.keelson.sysom.core.trace;

import java.util.Map;
import java.util.TreeMap;

/** What reading a trace found: events kept, events skipped by reason, and whether the file ended early. */
public final class ReadReport {

    private long kept;
    private final Map<String, Long> skipped = new TreeMap<>();
    private boolean truncated;

    void kept() {
        kept++;
    }

    void skipped(String reason) {
        skipped.merge(reason, 1L, Long::sum);
    }

    void truncated() {
        truncated = true;
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
        return truncated;
    }

    @Override
    public String toString() {
        return kept + " events" + (skipped.isEmpty() ? "" : ", skipped " + skipped) + (truncated ? ", file truncated" : "");
    }
}
